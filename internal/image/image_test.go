// SPDX-License-Identifier: Apache-2.0

package image_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hydro-go/hydro/internal/image"
)

// staticBinary builds a small program with CGO_ENABLED=0.
func staticBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() { println(\"hello\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "hello")
	cmd := exec.Command("go", "build", "-o", out, src)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GO111MODULE=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// untar reads an archive into its regular files and their headers.
func untar(t *testing.T, data []byte) (map[string][]byte, map[string]*tar.Header) {
	t.Helper()
	files, headers := map[string][]byte{}, map[string]*tar.Header{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, headers
		}
		if err != nil {
			t.Fatal(err)
		}
		headers[h.Name] = h
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			files[h.Name] = b
		}
	}
}

// blob returns the blob d points to, checking its digest and size.
func blob(t *testing.T, files map[string][]byte, d image.Descriptor) []byte {
	t.Helper()
	name := "blobs/sha256/" + strings.TrimPrefix(d.Digest, "sha256:")
	b, ok := files[name]
	if !ok {
		t.Fatalf("no blob %s in the archive", name)
	}
	sum := sha256.Sum256(b)
	if got := "sha256:" + hex.EncodeToString(sum[:]); got != d.Digest {
		t.Errorf("blob %s has digest %s", name, got)
	}
	if int64(len(b)) != d.Size {
		t.Errorf("blob %s has %d bytes; its descriptor says %d", name, len(b), d.Size)
	}
	return b
}

func TestWriteLayout(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("builds a Linux binary to read back")
	}
	exe, err := image.Binary(staticBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if exe.Arch != runtime.GOARCH {
		t.Errorf("Binary's architecture = %s; want %s", exe.Arch, runtime.GOARCH)
	}
	var out bytes.Buffer
	const ref = "hydro.local/hello:v1"
	if err := image.Write(&out, exe, ref); err != nil {
		t.Fatal(err)
	}
	files, _ := untar(t, out.Bytes())
	if got := string(files["oci-layout"]); got != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout = %q", got)
	}
	var idx image.Index
	if err := json.Unmarshal(files["index.json"], &idx); err != nil {
		t.Fatal(err)
	}
	if idx.SchemaVersion != 2 || len(idx.Manifests) != 1 || idx.Manifests[0].MediaType != image.MediaManifest {
		t.Fatalf("index.json = %+v; want one OCI manifest", idx)
	}
	if a := idx.Manifests[0].Annotations; a["io.containerd.image.name"] != ref || a["org.opencontainers.image.ref.name"] != "v1" {
		t.Errorf("the manifest's annotations = %v; want the name %s and the tag v1", a, ref)
	}
	var m image.Manifest
	if err := json.Unmarshal(blob(t, files, idx.Manifests[0]), &m); err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != 2 || m.Config.MediaType != image.MediaConfig || len(m.Layers) != 1 || m.Layers[0].MediaType != image.MediaLayer {
		t.Fatalf("manifest = %+v; want a config and one uncompressed layer", m)
	}
	var cfg image.Config
	if err := json.Unmarshal(blob(t, files, m.Config), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.OS != "linux" || cfg.Architecture != exe.Arch || len(cfg.Config.Entrypoint) != 1 || cfg.Config.Entrypoint[0] != image.Path {
		t.Errorf("config = %+v; want linux/%s running %s", cfg, exe.Arch, image.Path)
	}
	if len(cfg.RootFS.DiffIDs) != 1 || cfg.RootFS.DiffIDs[0] != m.Layers[0].Digest {
		t.Errorf("config's diff_ids = %v; want the layer's digest %s (it is not compressed)", cfg.RootFS.DiffIDs, m.Layers[0].Digest)
	}
	layer, headers := untar(t, blob(t, files, m.Layers[0]))
	h := headers[image.Path[1:]]
	if h == nil || len(headers) != 1 {
		t.Fatalf("the layer holds %v; want only %s", headers, image.Path[1:])
	}
	if h.Mode != 0o755 || h.Uid != 0 || h.Gid != 0 {
		t.Errorf("the binary in the layer has mode %o, owner %d:%d; want 0755, 0:0", h.Mode, h.Uid, h.Gid)
	}
	if !bytes.Equal(layer[image.Path[1:]], exe.Data) {
		t.Errorf("the binary in the layer (%d bytes) differs from the one given (%d bytes)", len(layer[image.Path[1:]]), len(exe.Data))
	}
	var docker []image.DockerManifest
	if err := json.Unmarshal(files["manifest.json"], &docker); err != nil {
		t.Fatal(err)
	}
	if len(docker) != 1 || docker[0].RepoTags[0] != ref || files[docker[0].Config] == nil || len(docker[0].Layers) != 1 || files[docker[0].Layers[0]] == nil {
		t.Errorf("manifest.json = %+v; want the image's tag, config and layer", docker)
	}
	var again bytes.Buffer
	if err := image.Write(&again, exe, ref); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Error("two archives of the same binary differ")
	}
}

func TestBinaryRefused(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "script")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := image.Binary(script); err == nil || !strings.Contains(err.Error(), "not an ELF executable") {
		t.Errorf("Binary(a script) = %v; want it refused as not ELF", err)
	}
	// Debian's coreutils are linked dynamically.
	if _, err := os.Stat("/bin/true"); err == nil {
		if _, err := image.Binary("/bin/true"); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
			t.Errorf("Binary(/bin/true) = %v; want it refused as linked dynamically", err)
		}
	}
}

func TestWriteRefusesReference(t *testing.T) {
	for _, ref := range []string{"", "hydro.local/app", "app:", "host:5000/app"} {
		if err := image.Write(io.Discard, image.Exe{Data: []byte{1}, Arch: "amd64"}, ref); err == nil {
			t.Errorf("Write(ref %q) = nil; want a reference with a tag asked for", ref)
		}
	}
}
