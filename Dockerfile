# AutoResume companion for self-hosters: a thin wrapper over scripts/setup.
#   docker build -t autoresume .
#   docker run -d -p 127.0.0.1:8787:8787 -v autoresume-data:/data autoresume
#   docker run --rm -v autoresume-data:/data autoresume companion user add alice
# The unpacked extension builds are in the image at /opt/autoresume/dist:
#   docker create --name ar autoresume && docker cp ar:/opt/autoresume/dist ./dist && docker rm ar
FROM debian:12

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive \
    RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# rustup only; scripts/setup installs the toolchain pinned in rust-toolchain.toml.
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
  | sh -s -- -y --profile minimal --default-toolchain none

# Node >= 20.12 for scripts/build-extension (Debian 12's nodejs is 18.19).
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node

WORKDIR /src
COPY . .

# Tools (apt build deps, Rust toolchain, wasm-bindgen-cli, binaryen), the extension,
# and a release build of the companion; the build tree is removed afterwards.
RUN scripts/setup --for run \
 && if [ -x scripts/build-extension ]; then scripts/build-extension; fi \
 && mkdir -p /opt/autoresume \
 && if [ -d dist ]; then cp -r dist /opt/autoresume/dist; fi \
 && SQLX_OFFLINE=true cargo build --release -p companion \
 && install -m 0755 target/release/companion /usr/local/bin/companion \
 && rm -rf target /usr/local/cargo/registry /usr/local/cargo/git \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/companion companion \
 && install -d -m 0700 -o companion -g companion /data

USER 10001:10001
WORKDIR /home/companion
# glibc's mmap threshold pinned at 1 MiB: a 25 MB mail message is its own mapping, given
# back when freed, instead of staying cached in a per-thread arena (README, Performance).
ENV COMPANION_DATA_DIR=/data \
    COMPANION_BIND=0.0.0.0:8787 \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576
EXPOSE 8787
VOLUME /data
CMD ["companion", "serve"]
