package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/tenantguard/tenantguard/test/support/testcert"
	"github.com/tenantguard/tenantguard/webhook"
)

// checkFirstConfig checks, before load, that the first config is served and
// that a Tenant on the arch the reload adds is refused, so that allowing it
// later shows the reload.
func checkFirstConfig(ctx context.Context, chk *checker, fx *fixture, tg *target) error {
	firstRevision, err := fx.loader.Revision()
	if err != nil {
		return err
	}
	chk.check("serving the first config, revision "+firstRevision, sameRevision(firstRevision))
	chk.check("a Tenant on "+addedArch+" is denied before the reload", tg.probe(ctx, newArchTenant("0000cccc-0000-4000-8000-000000000001", true)))
	return nil
}

// newArchTenant is a Tenant CREATE on addedArch, expected to be denied before
// the reload and allowed after it.
func newArchTenant(uid string, denied bool) request {
	r := tenantReview(uid, "CREATE", tenant{name: "probe-" + uid[len(uid)-4:], env: "staging"}, addedArch)
	r.path, r.uid = webhook.ValidatePath, uid
	if denied {
		r.denied, r.message = true, "[tenant-arch]"
	}
	return r
}

// midRun is the config reload and the certificate rotation done to
// tenantguard while it is under load, and what they leave for the checks
// after the run. Its events run in the dispatcher goroutine, so the fields
// they set need no locking.
type midRun struct {
	fx  *fixture
	srv *servers
	// newRevision and newSerial are set once the reload and the rotation
	// have been written; empty, that event did not happen.
	newRevision string
	newSerial   *big.Int
	// reloadLatency and rotationLatency are how long after the write the
	// new config and the new certificate were first served.
	reloadLatency, rotationLatency time.Duration
	// reloaded receives the reload's timing, measured off the dispatcher.
	reloaded chan timedWait
}

// timedWait is how long a wait took and why it failed, if it did.
type timedWait struct {
	took time.Duration
	err  error
}

// events puts the reload after a third of the requests and the rotation
// after two thirds.
func (m *midRun) events(requests int) []event {
	return []event{
		{at: requests / 3, name: "config reload", do: m.reloadConfig},
		{at: 2 * requests / 3, name: "certificate rotation", do: m.rotateCertificate},
	}
}

// reloadConfig writes the config that allows addedArch and starts timing how
// long tenantguard takes to serve it.
func (m *midRun) reloadConfig() error {
	if err := writeAtomically(m.fx.configFile, reloadedConfig); err != nil {
		return err
	}
	written := time.Now()
	rev, err := m.fx.loader.Revision()
	if err != nil {
		return err
	}
	m.newRevision = rev
	// Time the reload off the dispatcher, so that requests keep flowing.
	go func() {
		_, err := waitFor(10*time.Second, 2*time.Millisecond, func() (bool, error) {
			err := sameRevision(rev)
			return err == nil, err
		})
		m.reloaded <- timedWait{time.Since(written), err}
	}()
	return nil
}

// rotateCertificate installs a new serving certificate, waits until new
// connections get it, and then makes the load client's workers reconnect.
func (m *midRun) rotateCertificate() error {
	// The s390x Tenants start here, so the reload must be served first.
	r := <-m.reloaded
	if m.reloadLatency = r.took; r.err != nil {
		return fmt.Errorf("the reloaded config was not served: %w", r.err)
	}
	certPEM, keyPEM, serial, err := m.fx.ca.Serving()
	if err != nil {
		return err
	}
	if err := m.fx.certs.Write(certPEM, keyPEM); err != nil {
		return err
	}
	m.newSerial = serial
	if m.rotationLatency, err = waitFor(15*time.Second, 10*time.Millisecond, func() (bool, error) {
		s, err := testcert.PresentedSerial(m.srv.tgAddr, m.fx.ca.Pool)
		return err == nil && s.Cmp(serial) == 0, err
	}); err != nil {
		return fmt.Errorf("the new certificate was not served: %w", err)
	}
	m.srv.tg.hs.setRotated(serial)
	m.srv.tg.generation.Add(1)
	return nil
}

// checkServed checks, after the run, that what the events changed is what
// tenantguard serves.
func (m *midRun) checkServed(ctx context.Context, chk *checker) {
	if m.newRevision != "" {
		m.checkReload(ctx, chk)
	}
	if m.newSerial != nil {
		m.checkRotation(chk)
		m.checkHandshakes(chk)
	}
}

// checkReload checks that the reloaded config is served and that it allows
// the Tenant the first config denied.
func (m *midRun) checkReload(ctx context.Context, chk *checker) {
	err := sameRevision(m.newRevision)
	took := "not served"
	if err == nil {
		took = fmt.Sprintf("served %s after the write; the run waited for it before the rotation", m.reloadLatency.Round(time.Millisecond))
	}
	chk.check(fmt.Sprintf("serving the reloaded config, revision %s (%s)", m.newRevision, took), err)
	chk.check("a Tenant on "+addedArch+" is allowed after the reload", m.srv.tg.probe(ctx, newArchTenant("0000cccc-0000-4000-8000-000000000002", false)))
}

// checkRotation checks that a new TLS connection gets the rotated certificate.
func (m *midRun) checkRotation(chk *checker) {
	serial, err := testcert.PresentedSerial(m.srv.tgAddr, m.fx.ca.Pool)
	if err == nil && serial.Cmp(m.newSerial) != 0 {
		err = fmt.Errorf("a new connection got serial %x, want the new %x (the first was %x)", serial, m.newSerial, m.fx.firstSerial)
	}
	chk.check(fmt.Sprintf("new TLS connections get the rotated certificate, serial %x (first served %s after the write)", m.newSerial, m.rotationLatency.Round(time.Millisecond)), err)
}

// checkHandshakes checks that the load client reconnected after the rotation
// and that none of those connections was handed the old certificate.
func (m *midRun) checkHandshakes(chk *checker) {
	hs := &m.srv.tg.hs
	hs.mu.Lock()
	after, stale := hs.afterRotation, hs.staleAfterRotated
	hs.mu.Unlock()
	var err error
	if after == 0 {
		err = fmt.Errorf("no load connection was opened after the rotation")
	} else if stale > 0 {
		err = fmt.Errorf("%d of %d handshakes presented the old certificate", stale, after)
	}
	chk.check(fmt.Sprintf("all %d load-client handshakes after the rotation presented the new certificate", after), err)
}

// sameRevision reports whether want is the revision tenantguard serves.
func sameRevision(want string) error {
	got, err := servedRevision()
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("serving revision %s, want %s", got, want)
	}
	return nil
}

// waitFor polls cond every step until it holds or timeout passes, and returns
// how long it took.
func waitFor(timeout, step time.Duration, cond func() (bool, error)) (time.Duration, error) {
	start := time.Now()
	var last error
	for time.Since(start) < timeout {
		ok, err := cond()
		if ok {
			return time.Since(start), nil
		}
		last = err
		time.Sleep(step)
	}
	return time.Since(start), errors.Join(fmt.Errorf("not within %s", timeout), last)
}
