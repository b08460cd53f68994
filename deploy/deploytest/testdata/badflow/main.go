// SPDX-License-Identifier: Apache-2.0

// Command badflow builds a flow that does not compile, for the test of the
// positions its error names.
package main

import (
	"github.com/hydro-go/hydro"
	"github.com/hydro-go/hydro/deploy"
)

type Server struct{}

type Client struct{}

func Build(f *hydro.Flow) {
	server := hydro.NewProcess[Server](f)
	port := hydro.BidiExternal(server, hydro.NewExternal[Client](f), hydro.Lines, hydro.Lines)
	hydro.ForEach(port.Requests().Values(), func(string) {}) // want: unordered
}

func main() { deploy.Main(Build) }
