#!/usr/bin/env bash
# librdkafka's pinned source tree (deps/fetch.sh librdkafka; pin in pin.env): prints its path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../fetch.sh" librdkafka
