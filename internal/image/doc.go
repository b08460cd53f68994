// SPDX-License-Identifier: Apache-2.0

// Package image writes a container image holding one static binary, as an
// OCI image layout in a tar archive, with no registry and no container
// engine: what a Kubernetes node imports with ctr images import, and
// docker load reads too.
//
// # Usage
//
// Binary reads an executable and checks that it can run alone in an empty
// image: a Linux ELF file, statically linked (go build with
// CGO_ENABLED=0). Write then writes the archive: one uncompressed layer
// holding the binary at /hydro, mode 0755, a config whose entrypoint it is,
// a manifest, and the index naming the image. Every blob is named by its
// SHA-256 digest; the archive's bytes depend only on the binary, its
// architecture and the image's name.
package image
