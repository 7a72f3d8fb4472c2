# Plots of `make paper` (scripts/plots.sh sets OUT): latency per policy versus context and versus
# budget (y from zero, error bars = min .. max over the workload seeds, dotted = the policy's
# physical limit: its selected tokens' key and value bytes at the full all-bank bandwidth,
# docs/design.md section 8), energy per step, cycles per step by phase (stacked bars per context
# and policy), and MAC-slot utilisation per bank group.
# ctx.dat / budget.dat columns per policy i (1..4) from b = 2 + 6 (i - 1): latency mean, attacc
# energy, act-aware energy, latency min, latency max, limit latency (scripts/paper_summary.py).
policies = "dense tokenwise quest starc"
b(i) = 2 + 6 * (i - 1)
set key outside right
set grid
set style data linespoints
do for [ext in "svg png"] {
  if (ext eq "svg") { set terminal svg size 860,500 dynamic } else { set terminal pngcairo size 860,500 }
  set yrange [0:*]
  set output OUT."/latency_vs_context.".ext
  set title "Decode-step latency of one head (one channel, B = 1024; bars: min..max over seeds;\ndotted: physical limit, the same for the three sparse policies: B tokens)"
  set xlabel "context (tokens)"; set ylabel "latency per step (ns)"
  plot for [i=1:4] OUT."/ctx.dat" using 1:(column(b(i))):(column(b(i)+3)):(column(b(i)+4)) \
         with yerrorlines lc i title word(policies, i), \
       for [i=1:4] OUT."/ctx.dat" using 1:(column(b(i)+5)) with lines dt 3 lw 2 lc i \
         title word(policies, i)." limit"
  set output OUT."/energy_vs_context.".ext
  set title "Energy per step (act-aware model; dashed: attacc)"
  set ylabel "energy per step (nJ)"
  plot for [i=1:4] OUT."/ctx.dat" using 1:(column(b(i)+2)) title word(policies, i), \
       for [i=1:4] OUT."/ctx.dat" using 1:(column(b(i)+1)) dt 2 lc i notitle
  set output OUT."/latency_vs_budget.".ext
  set title "Decode-step latency versus budget (16K context; bars: min..max over seeds;\ndotted: physical limit, the same for the three sparse policies: B tokens)"
  set xlabel "budget B (tokens)"; set ylabel "latency per step (ns)"
  set logscale x 2
  plot for [i=1:4] OUT."/budget.dat" using 1:(column(b(i))):(column(b(i)+3)):(column(b(i)+4)) \
         with yerrorlines lc i title word(policies, i), \
       for [i=1:4] OUT."/budget.dat" using 1:(column(b(i)+5)) with lines dt 3 lw 2 lc i \
         title word(policies, i)." limit"
  set output OUT."/energy_vs_budget.".ext
  set title "Energy per step versus budget (16K context; act-aware, dashed: attacc)"
  set ylabel "energy per step (nJ)"
  plot for [i=1:4] OUT."/budget.dat" using 1:(column(b(i)+2)) title word(policies, i), \
       for [i=1:4] OUT."/budget.dat" using 1:(column(b(i)+1)) dt 2 lc i notitle
  unset logscale x
  set style data histograms
  set style histogram rowstacked
  set style fill solid 0.85 border -1
  set boxwidth 0.8
  set xtics rotate by -40 scale 0
  set xlabel ""
  set ylabel "cycles per decode step"
  set output OUT."/phases.".ext
  set title "Cycles per step by phase (B = 1024, mean over seeds and steps; softmax: 0 cycles)"
  plot OUT."/phases.dat" using 2:xtic(1) title "selection" lc rgb "#d62728", \
       '' using 3 title "keys" lc rgb "#1f77b4", '' using 4 title "softmax" lc rgb "#9467bd", \
       '' using 5 title "values" lc rgb "#2ca02c", '' using 6 title "gaps" lc rgb "#7f7f7f"
  set output OUT."/phases_sparse.".ext
  set title "Cycles per step by phase, sparse policies (B = 1024, mean over seeds and steps)"
  plot OUT."/phases_sparse.dat" using 2:xtic(1) title "selection" lc rgb "#d62728", \
       '' using 3 title "keys" lc rgb "#1f77b4", '' using 4 title "softmax" lc rgb "#9467bd", \
       '' using 5 title "values" lc rgb "#2ca02c", '' using 6 title "gaps" lc rgb "#7f7f7f"
  set xtics norotate scale 1
  set output OUT."/utilisation.".ext
  set title "MAC-slot utilisation per bank group (largest context, B = 1024)"
  set xlabel "global bank group"; set ylabel "busy MAC slots (%)"
  set style histogram clustered gap 1
  plot for [i=1:4] OUT."/util.dat" using (column(1+i)):xtic(1) title word(policies, i)
  set style data linespoints
  unset output
}
