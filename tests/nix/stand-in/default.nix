# `import nixpkgs { system; overlays; }`, as the project's flake calls it:
# nixpkgs-slim with nixpkgs' own impure stdenv (pkgs/stdenv/native, the
# machine's compiler and tools instead of bootstrap tools that cannot be
# downloaded here) and ./host-overlay.nix after the caller's overlays.
{
  overlays ? [ ],
  ...
}@args:
import ./slim (
  builtins.removeAttrs args [ "overlays" ]
  // {
    stdenvStages =
      stageArgs: import ./slim/pkgs/stdenv/native (builtins.removeAttrs stageArgs [ "crossOverlays" ]);
    overlays = overlays ++ [ (import ./host-overlay.nix) ];
  }
)
