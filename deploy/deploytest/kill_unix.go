// SPDX-License-Identifier: Apache-2.0

//go:build unix

package deploytest

import "syscall"

// killPID kills the process pid with SIGKILL.
func killPID(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
