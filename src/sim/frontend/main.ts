// Entry of the simulator's pct/qm executables (placeholder until the simulator lands).
process.stderr.write('phoenix simulator: not built yet\n');
process.exit(255);
