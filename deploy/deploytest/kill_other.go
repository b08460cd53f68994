// SPDX-License-Identifier: Apache-2.0

//go:build !unix

package deploytest

import "os"

// killPID kills the process pid.
func killPID(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
