# What nixpkgs-slim cannot evaluate: nixfmt is a Haskell package and the
# slim tree lacks the Hackage package set. The formatter evaluates to a
# derivation that says so if anyone builds it.
final: _prev: {
  nixfmt-tree = final.runCommandLocal "nixfmt-tree-not-in-the-stand-in" { } ''
    echo "nixfmt cannot be built from the stand-in nixpkgs (no Hackage set)" >&2
    exit 1
  '';
}
