{
  description = "sine: a Rust CLI with LGPL libsndfile, cross-built for AWS Lambda (glibc 2.26)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
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
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems =
        f:
        nixpkgs.lib.genAttrs systems (
          system:
          f (
            import nixpkgs {
              inherit system;
              overlays = [ (import rust-overlay) ];
            }
          )
        );
      # Everything of one build system; see nix/packages.nix.
      packagesFor = pkgs: pkgs.callPackage ./nix/packages.nix { inherit crane; };
    in
    {
      packages = forAllSystems (
        pkgs:
        let
          p = packagesFor pkgs;
        in
        {
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
        }
      );

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.sine}/bin/sine";
          meta.description = "Write a sine tone as a WAV file";
        };
      });

      checks = forAllSystems (pkgs: (packagesFor pkgs).checks);

      devShells = forAllSystems (pkgs: {
        default = (packagesFor pkgs).devShell self.checks.${pkgs.stdenv.hostPlatform.system};
      });

      formatter = forAllSystems (pkgs: pkgs.alejandra);
    };
}
