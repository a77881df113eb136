package request_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/test/support/reviews"
	"github.com/tenantguard/tenantguard/webhook/request"
)

func TestTheShapeCountsEachKindOfValue(t *testing.T) {
	body := ` {"a": {"b": [1, -2.5e3, true, null, "x"], "c": {}, "d": "s:{[,\"]}"}, "e": [[], {"f": false}]}`

	shape, err := request.MeasureShape([]byte(body), clusterconfig.DefaultLimits())

	require.NoError(t, err)
	want := request.Shape{Bytes: len(body), Objects: 4, Lists: 3, Keys: 6, Strings: 2, Scalars: 5, Depth: 3}
	assert.Equal(t, want, shape, "separators, braces and quotes inside strings are not counted")
	assert.Equal(t, 20, shape.Nodes())
}

func TestABodyOfMoreValuesThanTheLimitIsRefusedNamingIt(t *testing.T) {
	limits := clusterconfig.DefaultLimits()
	limits.MaxNodes = 10000
	// The review, request, object and list and their two keys are 5 values.
	body := func(objects int) []byte {
		return []byte(`{"request":{"object":[` + strings.Repeat("{},", objects-1) + `{}]}}`)
	}

	shape, err := request.MeasureShape(body(9995), limits)
	require.NoError(t, err, "a body at the limit is read")
	assert.Equal(t, 10000, shape.Nodes())

	for _, objects := range []int{9996, 1000000} {
		_, err = request.MeasureShape(body(objects), limits)
		require.Error(t, err, "%d objects", objects)
		assert.Contains(t, err.Error(), "holds more than 10000 values and keys (limits.maxNodes)")
	}
}

func TestADenseReviewIsChargedByItsValuesNotItsBytes(t *testing.T) {
	dense, err := request.MeasureShape([]byte(`{"v":[`+strings.Repeat("{},", 100000)+`{}]}`), clusterconfig.DefaultLimits())
	require.NoError(t, err)
	sparse, err := request.MeasureShape([]byte(`{"v":"`+strings.Repeat("x", dense.Bytes-8)+`"}`), clusterconfig.DefaultLimits())
	require.NoError(t, err)

	require.Equal(t, dense.Bytes, sparse.Bytes)
	assert.Greater(t, dense.Cost(), 100*int64(dense.Bytes), "an empty object costs a hundred times its 3 bytes")
	assert.Greater(t, dense.Cost(), 8*sparse.Cost())
}

func TestADenseReviewWaitsForMemoryWhereASparseOneOfItsSizeIsJudged(t *testing.T) {
	values := 40000
	dense := strings.Replace(review("admission.k8s.io/v1"), `"a string`, `[`+strings.Repeat("{},", values)+`{}],"x":"a string`, 1)
	sparse := strings.Replace(review("admission.k8s.io/v1"), `"a string`, `"`+strings.Repeat("x", 3*values+2)+`","x":"a string`, 1)
	require.Equal(t, len(dense), len(sparse))
	budget := request.NewBudget(8 << 20)
	release, err := budget.Acquire(t.Context(), 2<<20)
	require.NoError(t, err)
	defer release()
	h := front(budget) // 6 MiB free: 50 times the body, under what the dense one holds

	assert.True(t, send(t, h, sparse).Response.Allowed)
	out := send(t, h, dense)
	assert.EqualValues(t, http.StatusServiceUnavailable, out.Response.Result.Code)
	assert.Contains(t, out.Response.Result.Message, "limit of memory for reviews in flight")
}

func TestASmallReviewDoesNotQueueBehindALargeOneWaitingForMemory(t *testing.T) {
	budget := request.NewBudget(8 << 20)
	held, err := budget.Acquire(t.Context(), 6<<20)
	require.NoError(t, err)
	waiting := make(chan struct{})
	go func() {
		defer close(waiting)
		release, err := budget.Acquire(context.Background(), 4<<20) // waits for the 6 MiB
		if err == nil {
			release()
		}
	}()

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // fails rather than hangs
	defer cancel()
	release, err := budget.Acquire(ctx, 1<<20)

	require.NoError(t, err, "the 1 MiB free is taken while a larger review waits")
	release()
	held()
	<-waiting
}

// BenchmarkMeasureShape is the pass every review now takes before it is
// decoded: on the load program's update review (1.9 KB), and on the densest
// review limits.maxNodes admits (1.5 MB of empty objects).
func BenchmarkMeasureShape(b *testing.B) {
	app := reviews.Application("team-01", "team-01", "production", "HEAD", 10)
	bodies := map[string][]byte{
		"update":        reviews.ApplicationRequest("uid-1", "UPDATE", "alice", app, reviews.Application("team-01", "team-01", "production", "HEAD", 5)).Encode(),
		"empty-objects": []byte(`{"request":{"object":[` + strings.Repeat("{},", 499000) + `{}]}}`),
	}
	for name, body := range bodies {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := request.MeasureShape(body, clusterconfig.DefaultLimits()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
