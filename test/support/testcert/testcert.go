// Package testcert issues throwaway TLS certificates for the programs under
// test/ that serve tenantguard on loopback: a CA that the client trusts, and
// serving certificates for 127.0.0.1 laid out in a directory the way kubelet
// mounts a Secret, so that controller-runtime's certificate watcher reads them
// (and rotations of them) exactly as it does in a cluster.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Authority is a throwaway CA. A client that trusts only its Pool verifies
// every handshake exactly as kube-apiserver verifies a webhook's certificate
// against the caBundle, and a rotated serving certificate signed by the same
// CA is accepted without touching the client.
type Authority struct {
	// Pool holds only this CA, for a client's tls.Config.RootCAs.
	Pool *x509.CertPool

	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewAuthority creates a CA valid for a day.
func NewAuthority() (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "tenantguard test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &Authority{Pool: pool, cert: cert, key: key}, nil
}

// Serving issues a serving certificate for 127.0.0.1 and returns its PEM
// certificate, PEM key and serial number.
func (a *Authority) Serving() (certPEM, keyPEM []byte, serial *big.Int, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	serial = randomSerial()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return nil, nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, nil, err
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, serial, nil
}

// ClientConfig is the TLS configuration of a client that calls the server as
// kube-apiserver does: only this CA trusted, TLS 1.2 or newer, HTTP/1.1.
func (a *Authority) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: a.Pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err)
	}
	return n
}

// Dir lays the serving certificate out the way kubelet mounts a Secret
// volume: tls.crt and tls.key are symlinks through ..data to a generation
// directory, and a rotation swaps ..data in one rename. The pair therefore
// changes atomically: controller-runtime's cert watcher never reads a new
// certificate beside the old key, which is what happens in a cluster when
// cert-manager renews the Secret.
type Dir struct {
	// Path is the directory to pass as the server's certificate directory.
	Path       string
	generation int
}

// NewDir prepares the symlinks in path, an existing empty directory; Write
// then installs the first certificate.
func NewDir(path string) (*Dir, error) {
	d := &Dir{Path: path}
	for _, name := range []string{"tls.crt", "tls.key"} {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(path, name)); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Write installs a new certificate and key and removes the previous
// generation, whose deletion is the file event the cert watcher reacts to.
func (d *Dir) Write(certPEM, keyPEM []byte) error {
	d.generation++
	gen := fmt.Sprintf("..gen-%d", d.generation)
	if err := os.Mkdir(filepath.Join(d.Path, gen), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.Path, gen, "tls.crt"), certPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.Path, gen, "tls.key"), keyPEM, 0o600); err != nil {
		return err
	}
	tmp := filepath.Join(d.Path, "..data_tmp")
	if err := os.Symlink(gen, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(d.Path, "..data")); err != nil {
		return err
	}
	if d.generation > 1 {
		return os.RemoveAll(filepath.Join(d.Path, fmt.Sprintf("..gen-%d", d.generation-1)))
	}
	return nil
}

// Issue creates a CA and a directory under parent named name holding a
// serving certificate it signed: what a program needs to start a server
// its clients trust. It returns the CA, the directory and the certificate's
// serial number.
func Issue(parent, name string) (*Authority, *Dir, *big.Int, error) {
	ca, err := NewAuthority()
	if err != nil {
		return nil, nil, nil, err
	}
	path := filepath.Join(parent, name)
	if err := os.Mkdir(path, 0o700); err != nil {
		return nil, nil, nil, err
	}
	dir, err := NewDir(path)
	if err != nil {
		return nil, nil, nil, err
	}
	certPEM, keyPEM, serial, err := ca.Serving()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := dir.Write(certPEM, keyPEM); err != nil {
		return nil, nil, nil, err
	}
	return ca, dir, serial, nil
}

// PresentedSerial opens a fresh TLS connection to addr and returns the serial
// number of the certificate the server presents.
func PresentedSerial(addr string, roots *x509.CertPool) (*big.Int, error) {
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	conn, err := tls.DialWithDialer(dialer, "tcp", addr, &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber, nil
}
