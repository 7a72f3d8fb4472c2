// pim_fp_unpack: decodes one 16-bit input element (fp16 or bf16, chosen by fmt_i) into a
// common form shared by both formats.
//
// Output: sign, class flags, an 11-bit significand sig_o with the hidden bit at [10] (0 for
// zeros and subnormals) and a two's-complement unbiased exponent exp_o, such that a finite
// value equals (-1)^sign x sig_o x 2^(exp_o - 10). bf16 significands (8 bits) are left-aligned
// (3 zero bits appended). Subnormals use the minimum exponent (fp16 -14, bf16 -126) and are
// not normalised here: pim_fp_mul normalises the product instead.
// Combinational, no state. (Continuous assignments: Icarus 11 cannot take constant part
// selects inside always_comb.)
module pim_fp_unpack (
  input  logic        fmt_i,   // pim_pkg::FMT_FP16 or pim_pkg::FMT_BF16
  input  logic [15:0] in_i,
  output logic        sign_o,
  output logic [9:0]  exp_o,   // signed, -126 .. 127
  output logic [10:0] sig_o,
  output logic        zero_o,
  output logic        inf_o,
  output logic        nan_o
);

  // binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits.
  logic [4:0]  h_exp;
  logic [9:0]  h_man;
  logic [9:0]  h_exp_unb;
  assign h_exp     = in_i[14:10];
  assign h_man     = in_i[9:0];
  assign h_exp_unb = (h_exp == 5'd0) ? 10'(-14) : ({5'd0, h_exp} - 10'd15);

  // bfloat16: 1 sign, 8 exponent (bias 127), 7 fraction bits.
  logic [7:0]  f_exp;
  logic [6:0]  f_man;
  logic [9:0]  f_exp_unb;
  assign f_exp     = in_i[14:7];
  assign f_man     = in_i[6:0];
  assign f_exp_unb = (f_exp == 8'd0) ? 10'(-126) : ({2'd0, f_exp} - 10'd127);

  logic is_bf16, exp_zero, exp_ones, man_zero;
  assign is_bf16  = (fmt_i == pim_pkg::FMT_BF16);
  assign exp_zero = is_bf16 ? (f_exp == 8'd0)  : (h_exp == 5'd0);
  assign exp_ones = is_bf16 ? (f_exp == 8'hFF) : (h_exp == 5'h1F);
  assign man_zero = is_bf16 ? (f_man == 7'd0)  : (h_man == 10'd0);

  assign sign_o = in_i[15];
  assign exp_o  = is_bf16 ? f_exp_unb : h_exp_unb;
  assign sig_o  = is_bf16 ? {!exp_zero, f_man, 3'b000} : {!exp_zero, h_man};
  assign zero_o = exp_zero && man_zero;
  assign inf_o  = exp_ones && man_zero;
  assign nan_o  = exp_ones && !man_zero;

endmodule
