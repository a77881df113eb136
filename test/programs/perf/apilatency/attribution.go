package main

import (
	"context"
	"fmt"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"k8s.io/client-go/rest"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// timing sums what kube-apiserver measured of its calls to tenantguard's
// webhooks and what tenantguard measured of its own handling, so that a
// measurement's added latency splits into the handler, the rest of each call
// (TLS, HTTP, the review's encoding on both sides) and what kube-apiserver
// does with the answers.
type timing struct {
	apiserverSeconds, apiserverCalls float64 // apiserver_admission_webhook_admission_duration_seconds
	handlerSeconds, handlerCalls     float64 // tenantguard_review_duration_seconds
}

// readTiming reads both sums now; a measurement's share is the difference
// of two readings.
func readTiming(ctx context.Context, cfg *rest.Config) (timing, error) {
	var t timing
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return t, err
	}
	resp, err := client.Get(strings.TrimSuffix(cfg.Host, "/") + "/metrics")
	if err != nil {
		return t, err
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return t, fmt.Errorf("reading kube-apiserver's metrics: %w", err)
	}
	t.apiserverSeconds, t.apiserverCalls = histogramSum(families["apiserver_admission_webhook_admission_duration_seconds"])
	ours, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		return t, err
	}
	for _, f := range ours {
		if f.GetName() == "tenantguard_review_duration_seconds" {
			t.handlerSeconds, t.handlerCalls = histogramSum(f)
		}
	}
	return t, ctx.Err()
}

// histogramSum is the sum and count of every series of a histogram.
func histogramSum(f *dto.MetricFamily) (sum, count float64) {
	if f == nil {
		return 0, 0
	}
	for _, m := range f.GetMetric() {
		sum += m.GetHistogram().GetSampleSum()
		count += float64(m.GetHistogram().GetSampleCount())
	}
	return sum, count
}

// since is what was measured between two readings, as mean milliseconds
// per create: both webhooks' calls as kube-apiserver timed them, and
// tenantguard's handling of them.
func (t timing) since(before timing, creates int) (apiserverMs, handlerMs float64) {
	n := float64(creates)
	return (t.apiserverSeconds - before.apiserverSeconds) * 1000 / n, (t.handlerSeconds - before.handlerSeconds) * 1000 / n
}
