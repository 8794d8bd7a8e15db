# `import nixpkgs { system; overlays; }`, as the project's flake calls it.
# For x86_64-linux, the system the harness builds: nixpkgs-slim with nixpkgs'
# own impure stdenv (pkgs/stdenv/native: the machine's compiler and tools
# instead of bootstrap tools that cannot be downloaded here) and
# ./host-overlay.nix. Other systems are only evaluated: plain nixpkgs-slim.
# Either way ./gaps-overlay.nix covers what nixpkgs-slim lacks.
{
  system,
  overlays ? [ ],
  ...
}@args:
let
  common = builtins.removeAttrs args [ "overlays" ];
  gaps = import ./gaps-overlay.nix;
in
import ./slim (
  if system == "x86_64-linux" then
    common
    // {
      stdenvStages =
        stageArgs: import ./slim/pkgs/stdenv/native (builtins.removeAttrs stageArgs [ "crossOverlays" ]);
      overlays = overlays ++ [
        gaps
        (import ./host-overlay.nix)
      ];
    }
  else
    common // { overlays = overlays ++ [ gaps ]; }
)
