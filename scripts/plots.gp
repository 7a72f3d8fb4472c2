# Plots of `make paper` (scripts/plots.sh sets OUT and TERM_EXT): latency and energy per policy
# versus context and versus budget, and MAC-slot utilisation per bank group.
policies = "dense tokenwise quest starc"
set key outside right
set grid
set style data linespoints
do for [ext in "svg png"] {
  if (ext eq "svg") { set terminal svg size 800,480 dynamic } else { set terminal png size 800,480 }
  set output OUT."/latency_vs_context.".ext
  set title "Decode-step latency of one head (one channel, B = 1024)"
  set xlabel "context (tokens)"; set ylabel "latency per step (ns)"
  plot for [i=1:4] OUT."/ctx.dat" using 1:(column(2+3*(i-1))) title word(policies, i)
  set output OUT."/energy_vs_context.".ext
  set title "Energy per step (act-aware model; dashed: attacc)"
  set ylabel "energy per step (nJ)"
  plot for [i=1:4] OUT."/ctx.dat" using 1:(column(4+3*(i-1))) title word(policies, i), \
       for [i=1:4] OUT."/ctx.dat" using 1:(column(3+3*(i-1))) dt 2 lc i notitle
  set output OUT."/latency_vs_budget.".ext
  set title "Decode-step latency versus budget (16K context)"
  set xlabel "budget B (tokens)"; set ylabel "latency per step (ns)"
  set logscale x 2
  plot for [i=1:4] OUT."/budget.dat" using 1:(column(2+3*(i-1))) title word(policies, i)
  set output OUT."/energy_vs_budget.".ext
  set title "Energy per step versus budget (16K context; act-aware, dashed: attacc)"
  set ylabel "energy per step (nJ)"
  plot for [i=1:4] OUT."/budget.dat" using 1:(column(4+3*(i-1))) title word(policies, i), \
       for [i=1:4] OUT."/budget.dat" using 1:(column(3+3*(i-1))) dt 2 lc i notitle
  unset logscale x
  set output OUT."/utilisation.".ext
  set title "MAC-slot utilisation per bank group (largest context, B = 1024)"
  set xlabel "global bank group"; set ylabel "busy MAC slots (%)"
  set style data histograms
  set style histogram clustered gap 1
  set style fill solid 0.8 border -1
  plot for [i=1:4] OUT."/util.dat" using (column(1+i)):xtic(1) title word(policies, i)
  set style data linespoints
  unset output
}
