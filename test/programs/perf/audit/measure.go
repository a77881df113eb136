package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// peakRSS is the process's peak resident memory, VmHWM, from /proc: memory
// as the kernel's memory cgroup counts it, over the whole life of the server.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(data) {
		if fields := strings.Fields(string(line)); len(fields) >= 2 && fields[0] == "VmHWM:" {
			kib, err := strconv.ParseInt(fields[1], 10, 64)
			return kib << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// reportSize describes one stored report.
type reportSize struct {
	kind, name     string
	bytes, results int
	fail, warn     int64
}

// largestReport reads every Report and ClusterReport and returns the largest
// as stored (its JSON).
func largestReport(ctx context.Context, c client.Client) (reportSize, error) {
	var largest reportSize
	for _, kind := range []string{"ReportList", "ClusterReportList"} {
		list := &unstructured.UnstructuredList{}
		list.SetAPIVersion("openreports.io/v1alpha1")
		list.SetKind(kind)
		if err := c.List(ctx, list); err != nil {
			return largest, err
		}
		for _, item := range list.Items {
			data, err := json.Marshal(item.Object)
			if err != nil {
				return largest, err
			}
			if len(data) > largest.bytes {
				results, _, _ := unstructured.NestedSlice(item.Object, "results")
				fail, _, _ := unstructured.NestedInt64(item.Object, "summary", "fail")
				warn, _, _ := unstructured.NestedInt64(item.Object, "summary", "warn")
				largest = reportSize{item.GetKind(), item.GetNamespace() + "/" + item.GetName(), len(data), len(results), fail, warn}
			}
		}
	}
	return largest, nil
}
