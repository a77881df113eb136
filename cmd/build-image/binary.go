package main

import (
	"bytes"
	"debug/elf"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// elfMachines are the ELF machines of the architectures the image is built for.
var elfMachines = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"arm":     elf.EM_ARM,
	"ppc64le": elf.EM_PPC64,
	"s390x":   elf.EM_S390,
	"riscv64": elf.EM_RISCV,
}

// checkBinary refuses what would give an image that cannot start: a file that
// is not a Linux ELF executable for the platform's architecture, or one that
// asks for a loader the empty base does not have.
func checkBinary(binary []byte, platform v1.Platform) error {
	want, known := elfMachines[platform.Architecture]
	if platform.OS != "linux" || !known {
		return fmt.Errorf("platform %s is not one of linux/{amd64,arm64,arm,ppc64le,s390x,riscv64}", platform)
	}
	f, err := elf.NewFile(bytes.NewReader(binary))
	if err != nil {
		return fmt.Errorf("not an ELF executable: %w", err)
	}
	defer f.Close()
	if f.Machine != want {
		return fmt.Errorf("built for %s, not %s", f.Machine, platform.Architecture)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("dynamically linked (build with CGO_ENABLED=0): the image has no loader")
		}
	}
	return nil
}
