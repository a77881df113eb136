package request

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"k8s.io/apimachinery/pkg/types"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
)

// chunk is the first buffer a body is read into and the most bytes read
// between two measures of its shape.
const chunk = 32 << 10

// receive reads the body within limits.maxReviewBytes into a buffer that
// doubles as it fills, reserving each growth from the Receiving budget
// before making it, so that a client holds at most twice what it actually
// sent; and it measures the shape of every chunk as it arrives, so that a
// body past limits.maxNodes or limits.maxDepth is refused at the chunk that
// passes it, the rest unread. The returned release gives the bytes back.
func (h *Handler) receive(ctx context.Context, w http.ResponseWriter, r *http.Request, limits clusterconfig.Limits) ([]byte, Shape, func(), error) {
	var releases []func()
	release := func() {
		for _, rel := range releases {
			rel()
		}
	}
	fail := func(err error) ([]byte, Shape, func(), error) {
		release()
		return nil, Shape{}, nil, err
	}
	// One byte past the end lets a read see the end of a body that filled it.
	most := limits.MaxReviewBytes + 1
	if r.ContentLength > 0 {
		most = min(most, r.ContentLength+1)
	}
	measure := newMeasure(limits)
	var body []byte
	reader := http.MaxBytesReader(w, r.Body, limits.MaxReviewBytes)
	for {
		if len(body) == cap(body) {
			held := int64(cap(body))
			size := nextCapacity(held, most)
			rel, err := h.Receiving.Acquire(ctx, size-held)
			if err != nil {
				return fail(errReceivingFull{size: h.Receiving.Size(), err: err})
			}
			releases = append(releases, rel)
			body = slices.Grow(body, int(size)-len(body))
		}
		read := len(body)
		var err error
		body, err = readChunk(reader, body)
		if shapeErr := measure.write(body[read:]); shapeErr != nil {
			return fail(errShape{err: shapeErr, uid: uidOf(body)})
		}
		if errors.Is(err, io.EOF) {
			shape, shapeErr := measure.finish()
			if shapeErr != nil {
				return fail(errShape{err: shapeErr, uid: uidOf(body)})
			}
			return body, shape, release, nil
		}
		if err != nil {
			return fail(err)
		}
	}
}

// nextCapacity is the capacity a full buffer of held bytes grows to: twice
// held, at least a chunk, at most most (the declared length or the limit,
// and a byte); and never held itself, so that a read always has room.
func nextCapacity(held, most int64) int64 {
	return max(min(max(2*held, chunk), most), held+1)
}

// readChunk appends to body up to one chunk from r, within body's capacity.
func readChunk(r io.Reader, body []byte) ([]byte, error) {
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

// errShape is a body refused for its shape (MeasureShape), with the UID of
// the review where the bytes read hold it.
type errShape struct {
	err error
	uid types.UID
}

func (e errShape) Error() string { return e.err.Error() }

// bodyRefusal answers a body that could not be read whole.
func bodyRefusal(err error, maxBytes int64) *admission.Response {
	var tooLarge *http.MaxBytesError
	var full errReceivingFull
	var shape errShape
	switch {
	case errors.As(err, &shape):
		refused := refusal(http.StatusBadRequest, shape.err)
		// kube-apiserver shows the reason only in an answer to its request.
		refused.UID = shape.uid
		return refused
	case errors.As(err, &tooLarge):
		return refusal(http.StatusRequestEntityTooLarge, tooLargeError(maxBytes))
	case errors.As(err, &full):
		return refusal(http.StatusServiceUnavailable, err)
	default:
		return refusal(http.StatusBadRequest, fmt.Errorf("reading the request body: %w", err))
	}
}
