// SPDX-License-Identifier: Apache-2.0

// Package remote runs programs on other machines over SSH, for the
// deployer's SSH backend (deploy.SSH): it logs in, copies a file over the
// session, starts a command whose output it streams back, and signals or
// kills that command by its process ID.
//
// # Trust
//
// A host is trusted only if its key is in a known_hosts file (by default
// ~/.ssh/known_hosts): an unknown host or a changed key is an error that
// says how to add the key, never a prompt or a silent acceptance. Keys
// come from files given in Auth and from a running ssh-agent.
//
// # Lifeline
//
// Every command Start runs keeps the session's standard input open: when
// the deployer goes (Close, or the deployer dies and its connection
// drops), the command's standard input reaches its end. A node started by
// the deployer watches for that end (launch.EnvLifeline) and stops, so a
// fleet on remote hosts never outlives the command that started it.
//
// # Example
//
//	h, err := remote.Dial(ctx, remote.MustTarget("deploy@10.0.0.2"), remote.Auth{KeyFiles: []string{key}})
//	if err != nil { ... }
//	defer h.Close()
//	err = h.Upload(ctx, ".hydro/run1/app", bin, 0o700)
//	p, err := h.Start("cd .hydro/run1 && exec ./app", nil, os.Stdout, os.Stderr)
//	...
//	_ = p.Signal("TERM")
//	err = p.Wait()
package remote
