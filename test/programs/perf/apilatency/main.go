// Command apilatency measures what tenantguard adds to an Application create
// through a real kube-apiserver (envtest): the same creates are timed with
// tenantguard's webhooks registered and, in the same run, with the webhook
// configurations removed, at 1 and at 50 concurrent clients.
//
//	KUBEBUILDER_ASSETS=... go run ./test/programs/perf/apilatency -creates 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap/zapcore"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

func main() {
	creates := flag.Int("creates", 1000, "Application creates per measurement")
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	if err := run(*creates); err != nil {
		fmt.Fprintln(os.Stderr, "apilatency:", err)
		os.Exit(1)
	}
}

func run(creates int) error {
	ctx := context.Background()
	c, err := cluster.Start(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the control plane:", err)
		}
	}()
	// Cancelled before the control plane stops, so that the do-nothing
	// webhook stops watching its certificate before envtest removes it.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := c.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "argocd"}}); err != nil {
		return err
	}
	results := map[string]map[int]stats{}
	shares := map[string]map[int][2]float64{}
	for _, target := range []string{"tenantguard", "do-nothing webhook"} {
		if target == "do-nothing webhook" {
			if err := pointWebhooksAtDoNothing(ctx, c); err != nil {
				return err
			}
		}
		results[target], shares[target] = map[int]stats{}, map[int][2]float64{}
		for _, clients := range []int{1, 50} {
			before, err := readTiming(ctx, c.Config)
			if err != nil {
				return err
			}
			if results[target][clients], err = measure(ctx, c.Client, creates, clients); err != nil {
				return fmt.Errorf("%s: %w", target, err)
			}
			after, err := readTiming(ctx, c.Config)
			if err != nil {
				return err
			}
			apiserverMs, handlerMs := after.since(before, creates)
			shares[target][clients] = [2]float64{apiserverMs, handlerMs}
		}
	}
	if err := removeWebhooks(ctx, c.Client); err != nil {
		return err
	}
	results["no webhook"] = map[int]stats{}
	for _, clients := range []int{1, 50} {
		if results["no webhook"][clients], err = measure(ctx, c.Client, creates, clients); err != nil {
			return err
		}
	}
	report(creates, results, shares)
	return nil
}

type stats struct{ p50, p99 time.Duration }

// report prints each target's latency, what it adds to a create without
// webhooks, and how kube-apiserver's time in the webhook calls splits.
func report(creates int, results map[string]map[int]stats, shares map[string]map[int][2]float64) {
	fmt.Printf("Application creates through kube-apiserver, %d per measurement\n", creates)
	for _, clients := range []int{1, 50} {
		without := results["no webhook"][clients]
		fmt.Printf("%2d clients: no webhook p50 %6.2fms p99 %6.2fms\n", clients, ms(without.p50), ms(without.p99))
		for _, target := range []string{"tenantguard", "do-nothing webhook"} {
			with := results[target][clients]
			fmt.Printf("    %-19s p50 %6.2fms p99 %6.2fms | added p50 %+.2fms p99 %+.2fms | webhook calls as kube-apiserver timed them %.2fms per create",
				target, ms(with.p50), ms(with.p99), ms(with.p50-without.p50), ms(with.p99-without.p99), shares[target][clients][0])
			if target == "tenantguard" {
				fmt.Printf(", of which tenantguard's handling %.2fms", shares[target][clients][1])
			}
			fmt.Println()
		}
	}
}

var counter atomic.Int64

// measure creates n Applications from the given number of clients and returns the latency percentiles.
func measure(ctx context.Context, cl client.Client, n, clients int) (stats, error) {
	latencies := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				start := time.Now()
				if err := cl.Create(ctx, application()); err != nil {
					errs <- err
					return
				}
				latencies[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return stats{}, err
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	return stats{p50: latencies[n/2], p99: latencies[n*99/100]}, nil
}

// application is a clean Application that tenantguard defaults (HEAD) and admits.
func application() *unstructured.Unstructured {
	app := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": fmt.Sprintf("app-%d", counter.Add(1)), "namespace": "argocd"},
		"spec": map[string]any{
			"project":     "tenant-shop",
			"source":      map[string]any{"repoURL": "https://git.example.com/platform/tenants.git", "path": "staging/shop"},
			"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
		},
	}}
	return app
}

// pointWebhooksAtDoNothing starts a webhook that allows everything beside
// tenantguard's, with the same certificate, and points tenantguard's webhook
// configurations at it.
func pointWebhooksAtDoNothing(ctx context.Context, c *cluster.Cluster) error {
	host, port := c.WebhookAddress()
	free, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return err
	}
	newPort := free.Addr().(*net.TCPAddr).Port
	free.Close()
	if _, err := cluster.StartDoNothingWebhook(ctx, host, newPort, c.ServingCertDir()); err != nil {
		return err
	}
	from, to := net.JoinHostPort(host, strconv.Itoa(port)), net.JoinHostPort(host, strconv.Itoa(newPort))
	var mutating admissionregistrationv1.MutatingWebhookConfigurationList
	if err := c.Client.List(ctx, &mutating); err != nil {
		return err
	}
	for i := range mutating.Items {
		for j := range mutating.Items[i].Webhooks {
			repoint(&mutating.Items[i].Webhooks[j].ClientConfig, from, to)
		}
		if err := c.Client.Update(ctx, &mutating.Items[i]); err != nil {
			return err
		}
	}
	var validating admissionregistrationv1.ValidatingWebhookConfigurationList
	if err := c.Client.List(ctx, &validating); err != nil {
		return err
	}
	for i := range validating.Items {
		for j := range validating.Items[i].Webhooks {
			repoint(&validating.Items[i].Webhooks[j].ClientConfig, from, to)
		}
		if err := c.Client.Update(ctx, &validating.Items[i]); err != nil {
			return err
		}
	}
	time.Sleep(2 * time.Second) // kube-apiserver picks up webhook configuration changes from its informer
	return nil
}

func repoint(cc *admissionregistrationv1.WebhookClientConfig, from, to string) {
	if cc.URL != nil {
		url := strings.Replace(*cc.URL, from, to, 1)
		cc.URL = &url
	}
}

func removeWebhooks(ctx context.Context, cl client.Client) error {
	if err := cl.DeleteAllOf(ctx, &admissionregistrationv1.MutatingWebhookConfiguration{}); err != nil {
		return err
	}
	if err := cl.DeleteAllOf(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{}); err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // kube-apiserver picks up webhook configuration changes from its informer
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
