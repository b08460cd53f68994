// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"fmt"
	"os"

	"sigs.k8s.io/yaml"

	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/internal/launch"
)

// readPlan reads the plan in file, JSON or YAML (JSON with YAML's
// syntax: the keys of hydro.Plan's JSON form).
func readPlan(file string) (*hydro.Plan, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, usagef("-plan: %v", err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, usagef("-plan %s: %v", file, err)
	}
	p, err := hydro.ParsePlan(js)
	if err != nil {
		return nil, usagef("-plan %s: %v", file, err)
	}
	return p, nil
}

// planned builds a fresh flow and applies p to it, before Compile: the
// flow Command built first is compiled, and a compiled flow is fixed.
func planned(build func(f *hydro.Flow), p *hydro.Plan, file string) (*hydro.Flow, error) {
	f := hydro.NewFlow()
	build(f)
	if err := p.Apply(f); err != nil {
		return nil, usagef("-plan %s: %v", file, err)
	}
	if err := f.Compile(); err != nil {
		return nil, err
	}
	return f, nil
}

// applyEnvPlan applies the plan a deployer gave this node (launch.EnvPlan),
// if any, to f before it is compiled.
func applyEnvPlan(f *hydro.Flow) error {
	js := os.Getenv(launch.EnvPlan)
	if js == "" {
		return nil
	}
	p, err := hydro.ParsePlan([]byte(js))
	if err != nil {
		return fmt.Errorf("deploy: %s: %w", launch.EnvPlan, err)
	}
	if err := p.Apply(f); err != nil {
		return fmt.Errorf("deploy: %s: %w", launch.EnvPlan, err)
	}
	return nil
}
