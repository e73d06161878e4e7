// An empty program: what `deno run` costs before bindlink does anything.
