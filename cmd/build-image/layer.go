package main

import (
	"archive/tar"
	"bytes"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The account files name user and group 65532, as a distroless nonroot base
// does: nothing in tenantguard reads them, but tools that show a process's
// user (ps, kubectl debug) do. Its home does not exist, as nothing writes there. Nothing else of such a base
// is needed: the binary is static, it dials only kube-apiserver and verifies it
// with the service account's CA (so no CA bundle), logs in UTC and writes no
// file (the root filesystem is read-only in the chart, so no /tmp).
const (
	passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin\n"
	group  = "root:x:0:\nnonroot:x:65532:\n"
)

// rootEntry is one file or directory of the layer.
type rootEntry struct {
	name string
	mode int64
	data []byte
}

// rootLayer returns the image's one layer: the binary and the account files,
// in a fixed order, owned by root and dated modTime, so that the same binary
// always gives the same bytes.
func rootLayer(binary []byte, modTime time.Time) (v1.Layer, error) {
	entries := []rootEntry{
		{"etc/", 0o755, nil},
		{"etc/group", 0o644, []byte(group)},
		{"etc/passwd", 0o644, []byte(passwd)},
		{binaryPath[1:], 0o755, binary},
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		if err := writeEntry(tw, e, modTime); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
}

func writeEntry(tw *tar.Writer, e rootEntry, modTime time.Time) error {
	hdr := &tar.Header{Name: e.name, Mode: e.mode, ModTime: modTime, Format: tar.FormatUSTAR}
	if e.data == nil {
		hdr.Typeflag = tar.TypeDir
	} else {
		hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(e.data))
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := tw.Write(e.data)
	return err
}
