package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// servePool serves a handler that reads the whole body on a loopback port
// within a pool of maxConns and grace, as boundedServer does, and returns its
// address.
func servePool(t *testing.T, maxConns int, grace time.Duration) (string, *pool) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := newPool(l, maxConns, grace, func() {})
	srv := &http.Server{ConnState: p.track, ReadHeaderTimeout: time.Minute, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, "ok")
	})}
	go func() { _ = srv.Serve(p) }()
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String(), p
}

// roundTrip sends one request on conn and reads its answer.
func roundTrip(conn net.Conn, r *bufio.Reader) error {
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return err
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}

// served says whether a fresh connection gets an answer within limit, a bound
// far above what serving takes and far below how long the held connections last.
func served(addr string, limit time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, limit)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(limit)); err != nil {
		return err
	}
	return roundTrip(conn, bufio.NewReader(conn))
}

// closedByServer says whether the server has closed conn.
func closedByServer(conn net.Conn) bool {
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := conn.Read(make([]byte, 1))
	return err == io.EOF
}

func TestAFreshConnectionClosesTheLongestIdleOneAtTheCap(t *testing.T) {
	addr, p := servePool(t, 4, 100*time.Millisecond)
	var held []net.Conn
	for range 4 {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, roundTrip(conn, bufio.NewReader(conn)), "each held connection made a request and now idles")
		held = append(held, conn)
	}
	time.Sleep(200 * time.Millisecond) // idle past the grace

	require.NoError(t, served(addr, 10*time.Second))
	assert.True(t, closedByServer(held[0]), "the longest idle connection made room")
	assert.EqualValues(t, 1, p.shed.Load())
	assert.LessOrEqual(t, p.open(), 4)
}

func TestAFreshConnectionClosesOneThatSentNothingWithinItsGrace(t *testing.T) {
	addr, p := servePool(t, 4, 100*time.Millisecond)
	for range 4 {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		_, err = io.WriteString(conn, "GET / HT") // headers never finished
		require.NoError(t, err)
	}

	require.NoError(t, served(addr, 10*time.Second))
	assert.EqualValues(t, 1, p.shed.Load())
}

func TestAFreshConnectionWaitsWhileEveryConnectionIsInARequest(t *testing.T) {
	addr, p := servePool(t, 2, 100*time.Millisecond)
	var held []net.Conn
	for range 2 {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		_, err = io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345") // half a body
		require.NoError(t, err)
		held = append(held, conn)
	}
	time.Sleep(200 * time.Millisecond) // past the grace: a connection in a request is never closed for room

	assert.Error(t, served(addr, 300*time.Millisecond), "not served while both connections are in a request")
	_, err := io.WriteString(held[0], "67890")
	require.NoError(t, err)
	require.NoError(t, served(addr, 10*time.Second), "served once a request ended and its connection idled past the grace")
	assert.EqualValues(t, 1, p.shed.Load())
}

func TestAConnectionIdleBetweenTwoQuickRequestsIsNotClosedForRoom(t *testing.T) {
	addr, p := servePool(t, 2, 5*time.Second) // far longer than the busy client's pauses, however slow the machine
	busy, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer busy.Close()
	busyReader := bufio.NewReader(busy)
	require.NoError(t, roundTrip(busy, busyReader))
	slow, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer slow.Close()
	_, err = io.WriteString(slow, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n1") // in a request
	require.NoError(t, err)

	// A fresh connection waits while the busy client keeps making requests
	// within the grace; neither of the two is closed for it.
	fresh, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer fresh.Close()
	for range 5 {
		time.Sleep(20 * time.Millisecond)
		require.NoError(t, roundTrip(busy, busyReader), "the busy client's connection stays open")
	}
	assert.Zero(t, p.shed.Load())
}
