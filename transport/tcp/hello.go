// SPDX-License-Identifier: Apache-2.0

package tcp

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// The hello opens every connection, from dialer to listener:
//
//	| "HYD" | version | name length (1 byte) | name (UTF-8) |
//
// The magic lets a listener refuse a stranger (an HTTP client, a port
// scanner) at its first bytes; the name is the dialer's Peer name, which
// the listener reports as Inbound.From. Version 1 says the dialer only
// writes; version 2 that it also reads frames the listener's side writes
// back (a Conn made by Listener.Dial).
const (
	helloMagic   = "HYD"
	helloVersion = 1
	helloDuplex  = 2
	// MaxPeerName is the longest peer name, in bytes.
	MaxPeerName = 255
)

func validName(name string) error {
	switch {
	case name == "":
		return errors.New("empty peer name")
	case len(name) > MaxPeerName:
		return fmt.Errorf("peer name of %d bytes exceeds %d", len(name), MaxPeerName)
	case !utf8.ValidString(name):
		return fmt.Errorf("peer name %q is not valid UTF-8", name)
	}
	return nil
}

func appendHello(dst []byte, name string, duplex bool) []byte {
	v := byte(helloVersion)
	if duplex {
		v = helloDuplex
	}
	dst = append(dst, helloMagic...)
	dst = append(dst, v, byte(len(name)))
	return append(dst, name...)
}

// readHello reads a hello and returns the peer's name and whether it reads
// what is written back. Its errors describe the problem for a log line.
func readHello(r io.Reader) (name string, duplex bool, err error) {
	var hdr [len(helloMagic) + 2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return "", false, fmt.Errorf("reading hello: %w", err)
	}
	if string(hdr[:len(helloMagic)]) != helloMagic {
		return "", false, fmt.Errorf("not a hydro peer: hello starts with %q", hdr[:])
	}
	v := hdr[len(helloMagic)]
	if v != helloVersion && v != helloDuplex {
		return "", false, fmt.Errorf("unsupported hello version %d; want %d or %d", v, helloVersion, helloDuplex)
	}
	b := make([]byte, hdr[len(helloMagic)+1])
	if _, err := io.ReadFull(r, b); err != nil {
		return "", false, fmt.Errorf("reading hello name: %w", err)
	}
	if err := validName(string(b)); err != nil {
		return "", false, fmt.Errorf("bad hello: %w", err)
	}
	return string(b), v == helloDuplex, nil
}
