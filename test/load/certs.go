package main

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

// authority is a throwaway CA. The load client trusts only it, so every
// handshake is verified exactly as kube-apiserver verifies a webhook's
// certificate against the caBundle, and a rotated serving certificate signed
// by the same CA is accepted without touching the client.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newAuthority() (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "tenantguard load-test CA"},
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
	return &authority{cert: cert, key: key, pool: pool}, nil
}

// serving issues a serving certificate for 127.0.0.1 and returns its PEM
// certificate, PEM key and serial number.
func (a *authority) serving() (certPEM, keyPEM []byte, serial *big.Int, err error) {
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

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err)
	}
	return n
}

// certDir lays the serving certificate out the way kubelet mounts a Secret
// volume: tls.crt and tls.key are symlinks through ..data to a generation
// directory, and a rotation swaps ..data in one rename. The pair therefore
// changes atomically: controller-runtime's cert watcher never reads a new
// certificate beside the old key, which is what happens in a cluster when
// cert-manager renews the Secret.
type certDir struct {
	dir        string
	generation int
}

func newCertDir(dir string) (*certDir, error) {
	d := &certDir{dir: dir}
	for _, name := range []string{"tls.crt", "tls.key"} {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(dir, name)); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// write installs a new certificate and key and removes the previous
// generation, whose deletion is the file event the cert watcher reacts to.
func (d *certDir) write(certPEM, keyPEM []byte) error {
	d.generation++
	gen := fmt.Sprintf("..gen-%d", d.generation)
	if err := os.Mkdir(filepath.Join(d.dir, gen), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.dir, gen, "tls.crt"), certPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.dir, gen, "tls.key"), keyPEM, 0o600); err != nil {
		return err
	}
	tmp := filepath.Join(d.dir, "..data_tmp")
	if err := os.Symlink(gen, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(d.dir, "..data")); err != nil {
		return err
	}
	if d.generation > 1 {
		return os.RemoveAll(filepath.Join(d.dir, fmt.Sprintf("..gen-%d", d.generation-1)))
	}
	return nil
}

// presentedSerial opens a fresh TLS connection to addr and returns the serial
// number of the certificate the server presents.
func presentedSerial(addr string, roots *x509.CertPool) (*big.Int, error) {
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	conn, err := tls.DialWithDialer(dialer, "tcp", addr, &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber, nil
}
