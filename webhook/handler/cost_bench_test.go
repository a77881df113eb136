package handler_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/webhook/handler"
	"github.com/tenantguard/tenantguard/webhook/request"
)

// BenchmarkReviewCost measures what one large review costs in memory, against
// what the budget of reviews in flight charges it (request.Shape.Cost):
// "alloc-B/byte" is the bytes allocated per review over the review's size,
// "live-B/byte" the peak of the heap held while one review runs (sampled with
// the collector running often) over its size, "live-B/node" the same peak per
// value and key, and "live/charge" the peak over the charge, which must stay
// below 1. Each shape fills Helm values to about 1.4 MiB, near etcd's object
// limit, with one kind of value that costs the decoders much, within
// limits.maxNodes.
func BenchmarkReviewCost(b *testing.B) {
	state := state(b)
	for name, values := range costShapes {
		spec := `{"project":"tenant-shop","source":{"repoURL":"https://charts.example.com","chart":"shop","targetRevision":"1.0.0",` +
			`"helm":{"valuesObject":{"data":` + values(1400<<10) + `}}}}`
		body := application(spec)
		shape, err := request.MeasureShape([]byte(body), clusterconfig.DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		for hook, h := range map[string]admission.Handler{"validate": &handler.Validator{State: state}, "mutate": &handler.Mutator{State: state}} {
			front := &request.Handler{Webhook: hook, Limits: clusterconfig.DefaultLimits, Budget: request.NewBudget(1 << 30), Receiving: request.NewBudget(64 << 20),
				Review: &admission.Webhook{Handler: h}}
			serve := func() {
				req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				front.ServeHTTP(httptest.NewRecorder(), req)
			}
			b.Run(name+"/"+hook, func(b *testing.B) {
				live := float64(livePeak(serve))
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for b.Loop() {
					serve()
				}
				runtime.ReadMemStats(&after)
				perReview := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
				b.ReportMetric(perReview/float64(len(body)), "alloc-B/byte")
				b.ReportMetric(live/float64(len(body)), "live-B/byte")
				b.ReportMetric(live/float64(shape.Nodes()), "live-B/node")
				b.ReportMetric(live/float64(shape.Cost()), "live/charge")
				b.ReportMetric(float64(len(body)), "body-bytes")
			})
		}
	}
}

// costShapes each fill about n bytes of Helm values with one kind of value.
var costShapes = map[string]func(n int) string{
	// many short keys with short strings: a key and a string per 12 bytes
	"wide-object": func(n int) string {
		var sb strings.Builder
		sb.WriteString("{")
		for i := range n / 14 {
			fmt.Fprintf(&sb, `"k%07d":"v",`, i)
		}
		sb.WriteString(`"end":1}`)
		return sb.String()
	},
	// a list of empty objects: a map per 3 bytes, the worst shape
	"empty-objects": func(n int) string { return "[" + strings.Repeat("{},", n/3) + "{}]" },
	// a list of empty lists: a list per 3 bytes
	"empty-lists": func(n int) string { return "[" + strings.Repeat("[],", n/3) + "[]]" },
	// a list of empty strings: a string per 3 bytes
	"empty-strings": func(n int) string { return "[" + strings.Repeat(`"",`, n/3) + `""]` },
	// a list of small numbers: a value per 2 bytes, as many as limits.maxNodes admits
	"numbers": func(n int) string { return "[" + strings.Repeat("1,", min(n/2, 450000)) + "1]" },
	// one long string: a byte per byte
	"long-string": func(n int) string { return `"` + strings.Repeat("x", n) + `"` },
}

// livePeak runs f once with the collector running after every 5 % of heap
// growth, and returns the highest heap in use above where it started.
func livePeak(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base.HeapAlloc && m.HeapAlloc-base.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc - base.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	f()
	close(done)
	<-sampled
	return peak.Load()
}
