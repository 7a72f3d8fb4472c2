// pim_fp32_add: IEEE binary32 addition, round-to-nearest-even (docs/design.md section 3, `add`).
//
// The datapath and its contract are pim_pkg::fp32_add (one source for this module and for the
// enabled adders inside pim_mac_front, pim_mac, pim_bank and pim_bank_group). Combinational: no
// latency, no state.
module pim_fp32_add (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] sum_o
);

  assign sum_o = pim_pkg::fp32_add(a_i, b_i);

endmodule
