// SPDX-License-Identifier: Apache-2.0

package image

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Media types of the OCI image specification.
const (
	MediaIndex    = "application/vnd.oci.image.index.v1+json"
	MediaManifest = "application/vnd.oci.image.manifest.v1+json"
	MediaConfig   = "application/vnd.oci.image.config.v1+json"
	MediaLayer    = "application/vnd.oci.image.layer.v1.tar"
)

// Path is where the binary is in the image, and its entrypoint.
const Path = "/hydro"

// Exe is an executable to put in an image.
type Exe struct {
	Data []byte
	// Arch is its architecture as Go and OCI name it: amd64, arm64.
	Arch string
}

// Binary reads the executable at path and refuses it unless it is a Linux
// ELF executable with no interpreter (statically linked), of an
// architecture it knows.
func Binary(path string) (Exe, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Exe{}, fmt.Errorf("image: %w", err)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return Exe{}, fmt.Errorf("image: %s is not an ELF executable, which a Linux container needs: %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return Exe{}, fmt.Errorf("image: %s is linked dynamically, and an image of it alone could not run it: build it with CGO_ENABLED=0", path)
		}
	}
	arch, ok := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64", elf.EM_386: "386", elf.EM_ARM: "arm",
		elf.EM_RISCV: "riscv64", elf.EM_PPC64: "ppc64le", elf.EM_S390: "s390x"}[f.Machine]
	if !ok {
		return Exe{}, fmt.Errorf("image: %s is for machine %v, which this package does not name", path, f.Machine)
	}
	return Exe{Data: data, Arch: arch}, nil
}

// Descriptor points to a blob, as the OCI specification's descriptors do.
type Descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Manifest is an OCI image manifest.
type Manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        Descriptor   `json:"config"`
	Layers        []Descriptor `json:"layers"`
}

// Index is an OCI image index, the archive's index.json.
type Index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []Descriptor `json:"manifests"`
}

// Config is the part of an OCI image configuration written.
type Config struct {
	Architecture string    `json:"architecture"`
	OS           string    `json:"os"`
	Config       RunConfig `json:"config"`
	RootFS       RootFS    `json:"rootfs"`
}

// RunConfig is how a container of the image runs.
type RunConfig struct {
	Entrypoint []string `json:"Entrypoint"`
	User       string   `json:"User,omitempty"`
}

// RootFS lists the uncompressed layers' digests.
type RootFS struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids"`
}

// DockerManifest is an entry of the manifest.json docker load reads.
type DockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// Write writes the image of exe named ref (a reference such as
// hydro.local/wordcount:v1, with a tag) to w, as an OCI image layout tar.
// The container runs as user 65534 (nobody), and the binary's modification
// times are the epoch, so the bytes depend only on exe and ref.
func Write(w io.Writer, exe Exe, ref string) error {
	slash, colon := strings.LastIndexByte(ref, '/'), strings.LastIndexByte(ref, ':')
	if ref == "" || colon <= slash || colon == len(ref)-1 {
		return fmt.Errorf("image: reference %q: want NAME:TAG, such as hydro.local/app:v1", ref)
	}
	var layer bytes.Buffer
	lt := tar.NewWriter(&layer)
	if err := lt.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: Path[1:], Mode: 0o755, Size: int64(len(exe.Data)), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	if _, err := lt.Write(exe.Data); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	if err := lt.Close(); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	layerD := describe(MediaLayer, layer.Bytes())
	config, err := json.Marshal(Config{
		Architecture: exe.Arch, OS: "linux",
		Config: RunConfig{Entrypoint: []string{Path}, User: "65534"},
		RootFS: RootFS{Type: "layers", DiffIDs: []string{layerD.Digest}},
	})
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	configD := describe(MediaConfig, config)
	manifest, err := json.Marshal(Manifest{SchemaVersion: 2, MediaType: MediaManifest, Config: configD, Layers: []Descriptor{layerD}})
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	manifestD := describe(MediaManifest, manifest)
	manifestD.Annotations = map[string]string{
		"io.containerd.image.name":          ref,
		"org.opencontainers.image.ref.name": ref[colon+1:],
	}
	index, err := json.Marshal(Index{SchemaVersion: 2, MediaType: MediaIndex, Manifests: []Descriptor{manifestD}})
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	docker, err := json.Marshal([]DockerManifest{{Config: blobPath(configD), RepoTags: []string{ref}, Layers: []string{blobPath(layerD)}}})
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	tw := tar.NewWriter(w)
	dir := func(name string) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: time.Unix(0, 0)})
	}
	file := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	for _, step := range []func() error{
		func() error { return file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)) },
		func() error { return dir("blobs/") },
		func() error { return dir("blobs/sha256/") },
		func() error { return file(blobPath(layerD), layer.Bytes()) },
		func() error { return file(blobPath(configD), config) },
		func() error { return file(blobPath(manifestD), manifest) },
		func() error { return file("index.json", index) },
		func() error { return file("manifest.json", docker) },
		tw.Close,
	} {
		if err := step(); err != nil {
			return fmt.Errorf("image: writing the archive: %w", err)
		}
	}
	return nil
}

func describe(media string, data []byte) Descriptor {
	sum := sha256.Sum256(data)
	return Descriptor{MediaType: media, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

// blobPath is where a blob is in the layout.
func blobPath(d Descriptor) string {
	return "blobs/sha256/" + strings.TrimPrefix(d.Digest, "sha256:")
}
