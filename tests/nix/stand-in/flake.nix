# Stands in for the `nixpkgs` input when the flake is built by tests/nix/harness:
# nixpkgs-slim (unpacked into ./slim by the harness) with the build
# machine's leaf toolchains; see ./default.nix and ./host-overlay.nix.
{
  outputs = _: {
    lib = import ./slim/lib;
  };
}
