package main

import (
	"archive/tar"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// writeOCIArchive writes the OCI layout in dir as an OCI archive (a tar of the
// layout, the one file that holds every platform): `podman load` and Docker
// 25 or later read it and name the image by the layout's annotations. Entries
// come in lexical order, owned by root and dated modTime, so the archive's
// bytes depend only on the layout's.
func writeOCIArchive(dir, file string, modTime time.Time) error {
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(out)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		return archiveEntry(tw, dir, path, d, modTime)
	})
	if err == nil {
		err = tw.Close()
	}
	if closeErr := out.Close(); err == nil {
		err = closeErr
	}
	return err
}

// archiveEntry writes one file or directory of the layout.
func archiveEntry(tw *tar.Writer, dir, path string, d fs.DirEntry, modTime time.Time) error {
	name, err := filepath.Rel(dir, path)
	if err != nil {
		return err
	}
	entry := rootEntry{name: filepath.ToSlash(name) + "/", mode: 0o755}
	if !d.IsDir() {
		if entry.data, err = os.ReadFile(path); err != nil {
			return err
		}
		entry.name, entry.mode = filepath.ToSlash(name), 0o644
	}
	return writeEntry(tw, entry, modTime)
}
