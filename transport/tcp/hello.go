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
//	| "HYD" | version 1 | name length (1 byte) | name (UTF-8) |
//
// The magic lets a listener refuse a stranger (an HTTP client, a port
// scanner) at its first bytes; the name is the dialer's Peer name, which
// the listener reports as Inbound.From.
const (
	helloMagic   = "HYD"
	helloVersion = 1
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

func appendHello(dst []byte, name string) []byte {
	dst = append(dst, helloMagic...)
	dst = append(dst, helloVersion, byte(len(name)))
	return append(dst, name...)
}

// readHello reads a hello and returns the peer's name. Its errors describe
// the problem for a log line.
func readHello(r io.Reader) (string, error) {
	var hdr [len(helloMagic) + 2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return "", fmt.Errorf("reading hello: %w", err)
	}
	if string(hdr[:len(helloMagic)]) != helloMagic {
		return "", fmt.Errorf("not a hydro peer: hello starts with %q", hdr[:])
	}
	if v := hdr[len(helloMagic)]; v != helloVersion {
		return "", fmt.Errorf("unsupported hello version %d; want %d", v, helloVersion)
	}
	name := make([]byte, hdr[len(helloMagic)+1])
	if _, err := io.ReadFull(r, name); err != nil {
		return "", fmt.Errorf("reading hello name: %w", err)
	}
	if err := validName(string(name)); err != nil {
		return "", fmt.Errorf("bad hello: %w", err)
	}
	return string(name), nil
}
