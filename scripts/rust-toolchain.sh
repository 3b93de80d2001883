#!/usr/bin/env bash
# Makes sure rustup has the toolchain rust-toolchain.toml pins (an exact
# stable release, so a new Rust cannot break `clippy -D warnings` overnight),
# with the wasm32 target, rustfmt and clippy. Called by scripts/install-tools.sh
# before anything runs cargo in the repo: rustup refuses to run cargo there
# while the pinned toolchain is missing ("toolchain '1.95.0-…' is not
# installed"); it does not install it by itself.
#   1. the pinned toolchain is installed: nothing to do
#   2. an installed toolchain (e.g. `stable`) is that exact release: rustup is
#      given it under the pinned name as well (a symlink in
#      $RUSTUP_HOME/toolchains), because build machines without access to
#      static.rust-lang.org cannot download the same release again
#   3. otherwise `rustup toolchain install` downloads it
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v rustup >/dev/null 2>&1 || die "rustup not found: install Rust with rustup (https://rustup.rs), then run this again"

channel=$(sed -n 's/^channel *= *"\([^"]*\)".*/\1/p' rust-toolchain.toml)
[[ "$channel" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "rust-toolchain.toml should pin an exact release (channel = \"X.Y.Z\"), not '$channel'"

# Outside the repo, so that rustup does not look for the pinned toolchain
# while we are finding out whether it is there.
toolchains=$(cd / && rustup toolchain list | sed 's/ .*//')
if grep -q "^$channel-" <<<"$toolchains"; then
  exit 0
fi

rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
for t in $toolchains; do
  version=$(cd / && rustup run "$t" rustc --version 2>/dev/null | awk '{print $2}') || continue
  dir="$rustup_home/toolchains/$t"
  # Only a toolchain rustup installed from its own releases (with its
  # manifest), never a linked local build that merely reports the version.
  if [ "$version" = "$channel" ] && [ -f "$dir/lib/rustlib/multirust-channel-manifest.toml" ]; then
    host=${t#*-}
    say "Rust $channel is installed as '$t': making it rustup's '$channel-$host' too (rust-toolchain.toml pins $channel)"
    ln -s "$dir" "$rustup_home/toolchains/$channel-$host" ||
      die "cannot add '$channel-$host' to $rustup_home/toolchains; run: rustup toolchain install $channel"
    exit 0
  fi
done

say "installing Rust $channel (rust-toolchain.toml) with rustup"
(cd / && rustup toolchain install "$channel" --profile minimal \
  --component rustfmt --component clippy --target wasm32-unknown-unknown) ||
  die "could not install Rust $channel with rustup; install it by hand (rustup toolchain install $channel) and run this again"
