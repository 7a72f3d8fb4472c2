// pim_fp_mul: product of two 16-bit inputs (fp16 or bf16, chosen per operation by fmt_i)
// rounded once to IEEE binary32, round-to-nearest-even (docs/design.md section 3, `mul`).
//
// The datapath and its contract are pim_pkg::fp_mul (one source for this module and for the
// enabled multipliers inside pim_mac_front). Combinational: no latency, no state.
module pim_fp_mul (
  input  logic        fmt_i,
  input  logic [15:0] a_i,
  input  logic [15:0] b_i,
  output logic [31:0] prod_o
);

  assign prod_o = pim_pkg::fp_mul(fmt_i, a_i, b_i);

endmodule
