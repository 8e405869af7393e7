package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/stargz-snapshotter/fusemanager"
	"github.com/containerd/stargz-snapshotter/service"
)

// The file the suite renders for a node: a mirror through dfdaemon with its header, plain HTTP.
const suiteConfig = `
[[resolver.host."registry:5000".mirrors]]
host = "127.0.0.1:4001"
insecure = true
[resolver.host."registry:5000".mirrors.header]
X-Dragonfly-Registry = "http://registry:5000"

[directory_cache]
max_lru_cache_entry = 5
`

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfigReadsTheUpstreamFormat(t *testing.T) {
	cfg, err := loadConfig(write(t, suiteConfig), true)
	if err != nil {
		t.Fatal(err)
	}
	host, ok := cfg.ResolverConfig.Host["registry:5000"]
	if !ok || len(host.Mirrors) != 1 {
		t.Fatalf("mirrors not read: %+v", cfg.ResolverConfig)
	}
	m := host.Mirrors[0]
	if m.Host != "127.0.0.1:4001" || !m.Insecure {
		t.Fatalf("mirror: %+v", m)
	}
	if got, _ := m.Header["X-Dragonfly-Registry"].(string); got != "http://registry:5000" {
		t.Fatalf("mirror header: %+v", m.Header)
	}
	if cfg.DirectoryCacheConfig.MaxLRUCacheEntry != 5 {
		t.Fatalf("directory_cache: %+v", cfg.DirectoryCacheConfig)
	}
	// The library's default:"true" tag applies as with the upstream daemon.
	if !cfg.DirectoryCacheConfig.Direct {
		t.Fatal("directory_cache.direct should default to true")
	}
	if err := unsupported(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestMissingConfigFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.toml")
	if _, err := loadConfig(missing, false); err != nil {
		t.Fatalf("a missing default config is fine: %v", err)
	}
	if _, err := loadConfig(missing, true); err == nil {
		t.Fatal("a missing --config file must be an error")
	}
}

func TestUnsupportedKeysAreRefused(t *testing.T) {
	cfg, err := loadConfig(write(t, "ipfs = true\nmetadata_store = \"db\"\n[cri_keychain]\nenable_keychain = true\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	err = unsupported(cfg)
	if err == nil {
		t.Fatal("expected a refusal")
	}
	for _, want := range []string{"ipfs", "metadata_store", "cri_keychain"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal does not name %s: %v", want, err)
		}
	}
}

func TestFuseManagerIsNoLongerRefused(t *testing.T) {
	cfg, err := loadConfig(write(t, suiteConfig+`
[fuse_manager]
enable = true
address = "/run/stargz-test/fm.sock"
path = "/opt/bin/stargz-fuse-manager"
`), true)
	if err != nil {
		t.Fatal(err)
	}
	fm := cfg.FuseManager
	if !fm.Enable || fm.Address != "/run/stargz-test/fm.sock" || fm.Path != "/opt/bin/stargz-fuse-manager" {
		t.Fatalf("[fuse_manager] not read: %+v", fm)
	}
	if err := unsupported(cfg); err != nil {
		t.Fatal(err)
	}
	s, err := resolveFuseManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.address != fm.Address || s.executable != fm.Path || s.metricsAddress != "" {
		t.Fatalf("settings: %+v", s)
	}
}

func TestFuseManagerDefaults(t *testing.T) {
	bin := t.TempDir()
	exe := filepath.Join(bin, fuseManagerName)
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	cfg, err := loadConfig(write(t, "[fuse_manager]\nenable = true\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	s, err := resolveFuseManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.address != "/run/containerd-stargz-grpc/fuse-manager.sock" {
		t.Errorf("default address: %q", s.address)
	}
	if s.executable != exe {
		t.Errorf("default path: %q, want %q from $PATH", s.executable, exe)
	}

	t.Setenv("PATH", t.TempDir())
	if _, err := resolveFuseManager(cfg); err == nil || !strings.Contains(err.Error(), fuseManagerName) {
		t.Errorf("no manager in $PATH and no fuse_manager.path should be an error naming it: %v", err)
	}
}

func TestFuseManagerAddressMustBeAbsolute(t *testing.T) {
	cfg, err := loadConfig(write(t, "[fuse_manager]\nenable = true\naddress = \"fm.sock\"\npath = \"/x\"\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resolveFuseManager(cfg); err == nil {
		t.Fatal("a relative fuse_manager.address must be refused")
	}
}

func TestFuseManagerMetricsAddress(t *testing.T) {
	text := "[fuse_manager]\nenable = true\npath = \"/x\"\nmetrics_address = \"127.0.0.1:8235\"\n"
	cfg, err := loadConfig(write(t, text), true)
	if err != nil {
		t.Fatal(err)
	}
	// v0.18's StartFuseManager has no metrics address parameter, v0.19's has.
	wantSupported := !strings.HasPrefix(libraryVersion(), "v0.18.")
	if got := fuseManagerMetricsSupported(); got != wantSupported {
		t.Fatalf("metrics supported = %v with library %s", got, libraryVersion())
	}
	err = unsupported(cfg)
	if wantSupported && err != nil {
		t.Fatal(err)
	}
	if !wantSupported && (err == nil || !strings.Contains(err.Error(), "fuse_manager.metrics_address")) {
		t.Fatalf("fuse_manager.metrics_address should be refused with library %s: %v", libraryVersion(), err)
	}
	if s, err := resolveFuseManager(cfg); err != nil || s.metricsAddress != "127.0.0.1:8235" {
		t.Fatalf("settings %+v, %v", s, err)
	}

	// As upstream, no_prometheus turns the manager's metrics off as well (and nothing is refused).
	cfg, err = loadConfig(write(t, "no_prometheus = true\n"+text), true)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := resolveFuseManager(cfg); err != nil || s.metricsAddress != "" {
		t.Fatalf("settings %+v, %v", s, err)
	}
}

func TestIsFuseManager(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"/usr/local/bin/stargz-fuse-manager"}, true},
		{[]string{"stargz-fuse-manager", "-v"}, true},
		{[]string{"/usr/local/bin/stargz-fuse-manager", "-action", "start", "-address", "/run/x.sock"}, true},
		// The manager re-executing itself through a symlink to containerd-stargz-grpc.
		{[]string{"/usr/local/bin/containerd-stargz-grpc", "-address", "/run/x.sock", "-fusestore-path", "/var/lib/x/fusestore.db", "-log-level", "info"}, true},
		{[]string{"containerd-stargz-grpc", "--fusestore-path=/var/lib/x/fusestore.db"}, true},
		{[]string{"/usr/local/bin/containerd-stargz-grpc"}, false},
		{[]string{"/usr/local/bin/containerd-stargz-grpc", "--log-level=debug", "--config=/etc/containerd-stargz-grpc/config.toml"}, false},
		{[]string{"/usr/local/bin/containerd-stargz-grpc", "--version"}, false},
		{[]string{"containerd-stargz-grpc", "--", "-fusestore-path"}, false},
		{[]string{"/usr/local/bin/stargz-fuse-manager.old"}, false},
		{nil, false},
	} {
		if got := isFuseManager(c.args); got != c.want {
			t.Errorf("isFuseManager(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

func TestFuseManagerOptions(t *testing.T) {
	ctx := context.Background()
	opts, err := fuseManagerOptions(&fusemanager.ConfigContext{Ctx: ctx, Config: &fusemanager.Config{MetadataStore: "memory"}})
	if err != nil || len(opts) != 2 {
		t.Fatalf("memory metadata store: %d options, %v", len(opts), err)
	}
	for _, c := range []fusemanager.Config{
		{MetadataStore: "db"},
		{MetadataStore: "memory", IPFS: true},
		{MetadataStore: "memory", Config: service.Config{CRIKeychainConfig: service.CRIKeychainConfig{EnableKeychain: true}}},
		{MetadataStore: "memory", Config: service.Config{KubeconfigKeychainConfig: service.KubeconfigKeychainConfig{EnableKeychain: true}}},
	} {
		if _, err := fuseManagerOptions(&fusemanager.ConfigContext{Ctx: ctx, Config: &c}); err == nil {
			t.Errorf("the manager should refuse %+v", c)
		}
	}
}

// staleSocket leaves a unix socket file that nothing listens on, as a killed manager does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
}

func TestRemoveStaleFuseManagerSocket(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	sock := filepath.Join(t.TempDir(), "fm.sock")
	store := filepath.Join(root, "fusestore.db")
	exists := func(p string) bool { _, err := os.Lstat(p); return err == nil }

	// Nothing there: nothing to do.
	if err := removeStaleFuseManagerSocket(ctx, sock, root); err != nil {
		t.Fatal(err)
	}

	// A live manager's socket and record stay.
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(store, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := removeStaleFuseManagerSocket(ctx, sock, root); err != nil {
		t.Fatal(err)
	}
	if !exists(sock) || !exists(store) {
		t.Fatal("a live manager's socket or record was removed")
	}
	l.Close()

	// A dead manager's socket and record go.
	staleSocket(t, sock)
	if err := removeStaleFuseManagerSocket(ctx, sock, root); err != nil {
		t.Fatal(err)
	}
	if exists(sock) || exists(store) {
		t.Fatal("a dead manager's socket or record was left")
	}

	// Something that is not a socket is left for the library to report.
	if err := os.WriteFile(sock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := removeStaleFuseManagerSocket(ctx, sock, root); err != nil || !exists(sock) {
		t.Fatalf("a regular file at the address: %v", err)
	}
}
