{
  description = "sine: a Rust CLI with LGPL libsndfile, cross-built for AWS Lambda (glibc 2.26)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    crane.url = "github:ipetkov/crane";
    rust-overlay = {
      url = "github:oxalica/rust-overlay";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    {
      self,
      nixpkgs,
      crane,
      rust-overlay,
    }:
    let
      # zig cross-compiles the bundle from any of them; the checks that run
      # Linux programs exist on the Linux systems only (nix/packages.nix).
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
      # Everything of one build system, nixpkgs imported once for it; see
      # nix/packages.nix.
      perSystem = nixpkgs.lib.genAttrs systems (
        system:
        let
          pkgs = import nixpkgs {
            inherit system;
            overlays = [ (import rust-overlay) ];
          };
        in
        pkgs.callPackage ./nix/packages.nix { inherit crane; } // { inherit pkgs; }
      );
      forAllSystems = f: nixpkgs.lib.mapAttrs (_: f) perSystem;
    in
    {
      packages = forAllSystems (p: {
        inherit (p)
          sine
          xtask
          build
          build-aarch64
          lambda-zip
          lambda-zip-aarch64
          ;
        libsndfile-al2-x86_64 = p.libsndfile-al2.x86_64;
        libsndfile-al2-aarch64 = p.libsndfile-al2.aarch64;
        default = p.lambda-zip;
      });

      apps = forAllSystems (p: {
        default = {
          type = "app";
          program = "${p.sine}/bin/sine";
          meta.description = "Write a sine tone as a WAV file";
        };
      });

      checks = forAllSystems (p: p.checks);

      devShells = forAllSystems (p: {
        default = p.devShell p.checks;
      });

      # The files are in nixfmt's style (the RFC 166 standard); `nix fmt`
      # keeps them so.
      formatter = forAllSystems (p: p.pkgs.nixfmt-tree);
    };
}
