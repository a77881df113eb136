package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// maxMetricsBytes is the most /metrics may weigh: Prometheus scrapes it
// every few seconds, and a page this size already means something copies
// request values into labels.
const maxMetricsBytes = 1 << 20

// The closed sets tenantguard_reviews_total's kind and operation labels
// must stay in, whatever the requests said.
var (
	allowedKinds      = []string{"Application", "ApplicationSet", "Tenant", "other"}
	allowedOperations = []string{"CREATE", "UPDATE", "DELETE", "CONNECT", "other"}
)

// metricsScrape is what one GET of /metrics showed.
type metricsScrape struct {
	size   int
	series int
	// stray are kind and operation label values outside the closed sets,
	// shortened.
	stray []string
}

// scrapeMetrics fetches url and reads tenantguard_reviews_total from it. It
// reads at most 64 MiB, so that a page grown without bound is reported
// rather than held.
func scrapeMetrics(url string) (*metricsScrape, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	m := &metricsScrape{size: len(data)}
	stray := map[string]bool{}
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(nil, 64<<20)
	for scanner.Scan() {
		rest, ok := strings.CutPrefix(scanner.Text(), "tenantguard_reviews_total{")
		if !ok {
			continue
		}
		m.series++
		labels, err := parseLabels(rest)
		if err != nil {
			stray[shorten(err.Error(), 80)] = true
			continue
		}
		if v := labels["kind"]; !slices.Contains(allowedKinds, v) {
			stray[fmt.Sprintf("kind=%q", shorten(v, 40))] = true
		}
		if v := labels["operation"]; !slices.Contains(allowedOperations, v) {
			stray[fmt.Sprintf("operation=%q", shorten(v, 40))] = true
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, err
	}
	for s := range stray {
		m.stray = append(m.stray, s)
	}
	sort.Strings(m.stray)
	return m, nil
}

// problems are the ways the scrape breaks the bounds, empty when it keeps
// them.
func (m *metricsScrape) problems() []string {
	var p []string
	if m.size > maxMetricsBytes {
		p = append(p, fmt.Sprintf("/metrics is %d bytes, over %d", m.size, maxMetricsBytes))
	}
	if len(m.stray) > 0 {
		p = append(p, fmt.Sprintf("tenantguard_reviews_total has %d label values outside the closed sets, e.g. %s",
			len(m.stray), strings.Join(m.stray[:min(5, len(m.stray))], ", ")))
	}
	return p
}

// parseLabels reads the label pairs of one sample line of the text
// exposition format, from just after the opening brace, unescaping values.
func parseLabels(s string) (map[string]string, error) {
	labels := map[string]string{}
	for {
		s = strings.TrimLeft(s, ", ")
		if strings.HasPrefix(s, "}") {
			return labels, nil
		}
		name, rest, ok := strings.Cut(s, "=\"")
		if !ok {
			return nil, fmt.Errorf("unparsable labels near %q", shorten(s, 40))
		}
		var value strings.Builder
		i := 0
		for ; i < len(rest) && rest[i] != '"'; i++ {
			if rest[i] == '\\' && i+1 < len(rest) {
				i++
				if rest[i] == 'n' {
					value.WriteByte('\n')
					continue
				}
			}
			value.WriteByte(rest[i])
		}
		if i == len(rest) {
			return nil, fmt.Errorf("unterminated label value of %s", name)
		}
		labels[name] = value.String()
		s = rest[i+1:]
	}
}
