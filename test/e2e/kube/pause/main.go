// SPDX-License-Identifier: Apache-2.0

// Command pause is the sandbox process of the end-to-end Kubernetes
// cluster's pods: it holds the pod's namespaces open until it is told to
// stop. The cluster has no registry to pull the usual pause image from, so
// its image is written by this program from its own binary:
//
//	pause -image-tar FILE -image NAME:TAG
//
// Run with no arguments, it waits for SIGTERM or SIGINT and exits 0.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hydro-go/hydro/internal/image"
)

func main() {
	tarPath := flag.String("image-tar", "", "write this binary's image, an OCI image layout tar, to `FILE` and exit")
	ref := flag.String("image", "registry.k8s.io/pause:3.10", "the image's name, as `NAME:TAG`")
	flag.Parse()
	if *tarPath != "" {
		if err := writeImage(*tarPath, *ref); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}

func writeImage(path, ref string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("pause: finding this binary: %w", err)
	}
	bin, err := image.Binary(exe)
	if err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	var b bytes.Buffer
	if err := image.Write(&b, bin, ref); err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	return nil
}
