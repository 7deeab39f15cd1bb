// Command sandbox-helper does the small jobs of scripts/sandbox that would
// otherwise need openssl, curl or python: make the sandbox PKI, find free
// loopback ports and wait for a component's health endpoint.
//
//	sandbox-helper pki DIR
//	sandbox-helper freeports N
//	sandbox-helper wait -url URL [-ca F -cert F -key F] [-timeout 60s]
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "pki":
		if len(os.Args) != 3 {
			usage()
		}
		err = makePKI(os.Args[2])
	case "freeports":
		if len(os.Args) != 3 {
			usage()
		}
		err = freePorts(os.Args[2])
	case "wait":
		err = wait(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox-helper:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  sandbox-helper pki DIR          create CA, serving, client certs and SA key in DIR (existing files are kept)
  sandbox-helper freeports N      print N free TCP ports on 127.0.0.1, one per line
  sandbox-helper wait -url URL [-ca FILE -cert FILE -key FILE] [-timeout 60s]
                                  poll URL until it answers 200, or fail with the last error`)
	os.Exit(2)
}

// ---- PKI ----

type leaf struct {
	name   string // file stem
	cn     string
	orgs   []string
	server bool
	dns    []string
	ips    []net.IP
}

func makePKI(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	caCert, caKey, err := loadOrMakeCA(dir)
	if err != nil {
		return err
	}
	leaves := []leaf{
		{name: "apiserver", cn: "kube-apiserver", server: true,
			dns: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
			ips: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")}},
		{name: "admin", cn: "kubelab-admin", orgs: []string{"system:masters"}},
		{name: "kube-controller-manager", cn: "system:kube-controller-manager"},
		{name: "kube-scheduler", cn: "system:kube-scheduler"},
		// kwok updates status of every node and pod and their leases: it acts as admin.
		{name: "kwok", cn: "kwok-controller", orgs: []string{"system:masters"}},
		// kube-apiserver -> kubelet client identity (there is no kubelet, but the flag wants one).
		{name: "apiserver-kubelet-client", cn: "kube-apiserver-kubelet-client", orgs: []string{"system:masters"}},
	}
	for _, l := range leaves {
		if exists(filepath.Join(dir, l.name+".crt")) && exists(filepath.Join(dir, l.name+".key")) {
			continue
		}
		if err := makeLeaf(dir, l, caCert, caKey); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
	// Service-account token signing key pair.
	if !exists(filepath.Join(dir, "sa.key")) || !exists(filepath.Join(dir, "sa.pub")) {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return err
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return err
		}
		pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			return err
		}
		if err := writePEM(filepath.Join(dir, "sa.key"), "PRIVATE KEY", der, 0o600); err != nil {
			return err
		}
		if err := writePEM(filepath.Join(dir, "sa.pub"), "PUBLIC KEY", pub, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func loadOrMakeCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	crtPath, keyPath := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	if exists(crtPath) && exists(keyPath) {
		pair, err := tls.LoadX509KeyPair(crtPath, keyPath)
		if err != nil {
			return nil, nil, err
		}
		cert, err := x509.ParseCertificate(pair.Certificate[0])
		if err != nil {
			return nil, nil, err
		}
		k, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
		if !ok {
			return nil, nil, errors.New("ca.key is not an ECDSA key")
		}
		return cert, k, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "kubelab-sandbox-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	if err := writeKey(keyPath, key); err != nil {
		return nil, nil, err
	}
	if err := writePEM(crtPath, "CERTIFICATE", der, 0o644); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func makeLeaf(dir string, l leaf, ca *x509.Certificate, caKey *ecdsa.PrivateKey) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: l.cn, Organization: l.orgs},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		DNSNames:     l.dns,
		IPAddresses:  l.ips,
	}
	if l.server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	if err := writeKey(filepath.Join(dir, l.name+".key"), key); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, l.name+".crt"), "CERTIFICATE", der, 0o644)
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "EC PRIVATE KEY", der, 0o600)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// ---- free ports ----

func freePorts(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > 64 {
		return fmt.Errorf("bad count %q", arg)
	}
	// Hold every listener until all are chosen so the ports are distinct.
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var out []string
	for len(out) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ls = append(ls, l)
		out = append(out, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	fmt.Println(strings.Join(out, "\n"))
	return nil
}

// ---- wait for health ----

func wait(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	url := fs.String("url", "", "URL to poll (https or http)")
	ca := fs.String("ca", "", "CA bundle to verify the server")
	cert := fs.String("cert", "", "client certificate")
	key := fs.String("key", "", "client key")
	insecure := fs.Bool("insecure", false, "do not verify the server certificate")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	pidFile := fs.String("pidfile", "", "fail at once if the process in this pid file exits")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" {
		return errors.New("wait: -url is required")
	}
	tlsConf := &tls.Config{InsecureSkipVerify: *insecure} //nolint:gosec // loopback sandbox only, opt-in
	if *ca != "" {
		pemData, err := os.ReadFile(*ca)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemData) {
			return fmt.Errorf("no certificates in %s", *ca)
		}
		tlsConf.RootCAs = pool
	}
	if *cert != "" {
		pair, err := tls.LoadX509KeyPair(*cert, *key)
		if err != nil {
			return err
		}
		tlsConf.Certificates = []tls.Certificate{pair}
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConf}}
	deadline := time.Now().Add(*timeout)
	lastErr := errors.New("no attempt")
	for delay := 50 * time.Millisecond; ; delay = min(delay*2, time.Second) {
		if *pidFile != "" && !alive(*pidFile) {
			return fmt.Errorf("process in %s exited while waiting for %s (last: %v)", *pidFile, *url, lastErr)
		}
		resp, err := client.Get(*url)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
		}
		lastErr = err
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not healthy after %s: %v", *url, *timeout, lastErr)
		}
		time.Sleep(delay)
	}
}

func alive(pidFile string) bool {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false
	}
	// Signal 0 checks existence; a zombie still "exists", so also look at /proc state.
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(st)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}
