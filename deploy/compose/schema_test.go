// SPDX-License-Identifier: Apache-2.0

package compose_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/schema"
	"sigs.k8s.io/yaml"

	"github.com/hydro-go/hydro/deploy/compose"
)

// validate checks a Compose file against the Compose specification's JSON
// schema, as compose-go (the loader of docker compose) embeds it: every
// service field the schema does not name, or names with another type, is
// an error.
func validate(t *testing.T, file []byte) error {
	t.Helper()
	j, err := yaml.YAMLToJSON(file)
	if err != nil {
		t.Fatalf("the file is not YAML: %v\n%s", err, file)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	return schema.Validate(m)
}

func TestFileMatchesComposeSchema(t *testing.T) {
	out, err := compose.File(fleet)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, out); err != nil {
		t.Fatalf("the file does not match the Compose specification's schema: %v\n%s", err, out)
	}
}

// The schema check is strict: a misspelt field fails it.
func TestComposeSchemaRefusesUnknownFields(t *testing.T) {
	out, err := compose.File(fleet)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(out), "stop_signal:", "stop_signl:", 1)
	if bad == string(out) {
		t.Fatalf("no stop_signal in the file:\n%s", out)
	}
	if err := validate(t, []byte(bad)); err == nil || !strings.Contains(err.Error(), "stop_signl") {
		t.Errorf("validate(stop_signl) = %v; want an error naming stop_signl", err)
	}
}
