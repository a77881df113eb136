package request

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// chunk is how many bytes of a body are reserved and read at a time: a client
// that stops sending holds at most one chunk it has not sent.
const chunk = 32 << 10

// receive reads the body within maxBytes, reserving each chunk from the
// Receiving budget before reading into it, so that the bytes held by bodies
// still arriving are bytes their clients actually sent. The returned release
// gives them back.
func (h *Handler) receive(ctx context.Context, w http.ResponseWriter, r *http.Request, maxBytes int64) ([]byte, func(), error) {
	var releases []func()
	release := func() {
		for _, rel := range releases {
			rel()
		}
	}
	body := make([]byte, 0, min(max(r.ContentLength, 0), chunk)+1)
	reader := http.MaxBytesReader(w, r.Body, maxBytes)
	for {
		rel, err := h.Receiving.Acquire(ctx, chunk)
		if err != nil {
			release()
			return nil, nil, errReceivingFull{size: h.Receiving.Size(), err: err}
		}
		releases = append(releases, rel)
		body, err = readChunk(reader, body)
		if errors.Is(err, io.EOF) {
			return body, release, nil
		}
		if err != nil {
			release()
			return nil, nil, err
		}
	}
}

// readChunk appends up to one chunk from r to body, growing body only once it
// is full: a body whose length was declared arrives into the buffer made for
// it, and one of unknown length grows as append would grow it.
func readChunk(r io.Reader, body []byte) ([]byte, error) {
	if len(body) == cap(body) {
		body = slices.Grow(body, chunk)
	}
	free := min(cap(body)-len(body), chunk)
	n, err := io.ReadFull(r, body[len(body):len(body)+free])
	body = body[:len(body)+n]
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return body, err
}

// errReceivingFull is a body refused because the budget of bytes being
// received stayed full for as long as a review may wait.
type errReceivingFull struct {
	size int64
	err  error
}

func (e errReceivingFull) Error() string {
	return fmt.Sprintf("tenantguard is at its limit of request bytes being received (%d bytes): %v", e.size, e.err)
}

// bodyRefusal answers a body that could not be read whole.
func bodyRefusal(err error, maxBytes int64) *admission.Response {
	var tooLarge *http.MaxBytesError
	var full errReceivingFull
	switch {
	case errors.As(err, &tooLarge):
		return refusal(http.StatusRequestEntityTooLarge, tooLargeError(maxBytes))
	case errors.As(err, &full):
		return refusal(http.StatusServiceUnavailable, err)
	default:
		return refusal(http.StatusBadRequest, fmt.Errorf("reading the request body: %w", err))
	}
}
