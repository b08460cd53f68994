// SPDX-License-Identifier: Apache-2.0

package docs_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// marker is a comment that says where the next fenced block comes from.
var marker = regexp.MustCompile(`^<!-- (code|output): (\S+)(?: (\S+))? -->$`)

// TestPagesMatchTheCode checks every marked block of every page against the
// code it names.
func TestPagesMatchTheCode(t *testing.T) {
	pages, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("no pages")
	}
	checked := 0
	for _, page := range pages {
		src, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		for i := 0; i < len(lines); i++ {
			m := marker.FindStringSubmatch(strings.TrimSpace(lines[i]))
			if m == nil {
				continue
			}
			block, end, ok := fenced(lines, i+1)
			if !ok {
				t.Errorf("%s:%d: %s is not followed by a fenced block", page, i+1, lines[i])
				continue
			}
			want, err := source(m[1], filepath.Join("..", m[2]), m[3])
			if err != nil {
				t.Errorf("%s:%d: %v", page, i+1, err)
				continue
			}
			if block != want {
				t.Errorf("%s:%d: the block differs from %s %s:\n--- page\n%s\n--- code\n%s", page, i+1, m[2], m[3], block, want)
			}
			checked++
			i = end
		}
	}
	if checked == 0 {
		t.Error("no marked block in any page")
	}
}

// fenced returns the content of the fenced block that starts at lines[i]
// (after blank lines), and the index of its closing fence.
func fenced(lines []string, i int) (string, int, bool) {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i >= len(lines) || !strings.HasPrefix(lines[i], "```") {
		return "", 0, false
	}
	for j := i + 1; j < len(lines); j++ {
		if strings.HasPrefix(lines[j], "```") {
			return strings.Join(lines[i+1:j], "\n"), j, true
		}
	}
	return "", 0, false
}

// source is what a marker names: a declaration of a Go file (or the whole
// file without its license header) for code, an example's expected output
// for output.
func source(kind, file, name string) (string, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if kind == "code" && name == "" {
		body := string(src)
		if _, rest, ok := strings.Cut(body, "// SPDX-License-Identifier: Apache-2.0\n\n"); ok {
			body = rest
		}
		return strings.TrimRight(body, "\n"), nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		var pos, end token.Pos
		var body *ast.BlockStmt
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name != name {
				continue
			}
			pos, end, body = d.Pos(), d.End(), d.Body
		case *ast.GenDecl:
			found := false
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.Name == name {
					found = true
				}
			}
			if !found {
				continue
			}
			pos, end = d.Pos(), d.End()
		default:
			continue
		}
		if kind == "code" {
			return string(src[fset.Position(pos).Offset:fset.Position(end).Offset]), nil
		}
		return exampleOutput(f, body)
	}
	return "", fmt.Errorf("%s has no declaration %s", file, name)
}

// exampleOutput is the text of an example's `// Output:` comment.
func exampleOutput(f *ast.File, body *ast.BlockStmt) (string, error) {
	if body == nil {
		return "", fmt.Errorf("not a function")
	}
	for _, cg := range f.Comments {
		if cg.Pos() < body.Lbrace || cg.End() > body.Rbrace {
			continue
		}
		text := cg.Text()
		if _, out, ok := strings.Cut(text, "Output:"); ok {
			var b bytes.Buffer
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				b.WriteString(strings.TrimSpace(l))
				b.WriteByte('\n')
			}
			return strings.TrimRight(b.String(), "\n"), nil
		}
	}
	return "", fmt.Errorf("the example has no Output comment")
}
