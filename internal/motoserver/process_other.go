//go:build !linux

package motoserver

import "os/exec"

func configureProcess(*exec.Cmd) {}

func stopProcess(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
