package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
