// pim_fp_mul: product of two 16-bit inputs (fp16 or bf16, chosen per operation by fmt_i)
// rounded once to IEEE binary32, round-to-nearest-even (DESIGN.md section 3, `mul`).
//
// Contract: fp16 products are always exact in binary32. bf16 products can leave the binary32
// range: above it they become infinity, below 2^-126 they round (RNE) to a binary32
// subnormal or to a signed zero. 0 x inf and any NaN operand give the canonical NaN
// pim_pkg::CANON_NAN; inf x finite-nonzero gives a signed infinity; signs of zeros follow IEEE.
// Combinational: no latency, no state. Datapath: unpack, 11x11 significand multiply, leading
// zero count + normalise, then either pack (normal range, exact) or denormalise and round.
module pim_fp_mul (
  input  logic        fmt_i,
  input  logic [15:0] a_i,
  input  logic [15:0] b_i,
  output logic [31:0] prod_o
);

  // ---- Unpack ----------------------------------------------------------------------------
  logic        a_sign, a_zero, a_inf, a_nan;
  logic        b_sign, b_zero, b_inf, b_nan;
  logic [9:0]  a_exp, b_exp;
  logic [10:0] a_sig, b_sig;

  pim_fp_unpack u_unpack_a (
    .fmt_i  (fmt_i),
    .in_i   (a_i),
    .sign_o (a_sign),
    .exp_o  (a_exp),
    .sig_o  (a_sig),
    .zero_o (a_zero),
    .inf_o  (a_inf),
    .nan_o  (a_nan)
  );

  pim_fp_unpack u_unpack_b (
    .fmt_i  (fmt_i),
    .in_i   (b_i),
    .sign_o (b_sign),
    .exp_o  (b_exp),
    .sig_o  (b_sig),
    .zero_o (b_zero),
    .inf_o  (b_inf),
    .nan_o  (b_nan)
  );

  // ---- Multiply and normalise --------------------------------------------------------------
  // Exact product: value = prod_sig x 2^(a_exp + b_exp - 20), prod_sig < 2^22.
  logic [21:0] prod_sig;
  logic [4:0]  lz;         // leading zeros of prod_sig (22 when it is zero)
  logic [21:0] norm_sig;   // prod_sig << lz: leading one at [21]
  logic signed [10:0] msb_exp;  // exponent of the leading one: value = norm_sig x 2^(msb_exp - 21)

  assign prod_sig = 22'(a_sig) * 22'(b_sig);

  always_comb begin
    lz = 5'd22;
    for (int i = 0; i < 22; i++) begin
      if (prod_sig[i]) lz = 5'(21 - i);
    end
  end

  assign norm_sig = prod_sig << lz;
  assign msb_exp  = 11'($signed(a_exp)) + 11'($signed(b_exp)) + 11'sd1 - $signed({6'd0, lz});

  // ---- Pack: normal range (exact) or subnormal range (round to nearest even) ----------------
  logic [9:0]  sub_shift;   // right shift of {norm_sig, 1'b0} onto the 2^-149 grid, clamped
  logic [46:0] sub_ext;     // {norm_sig, 1'b0, 24 guard bits} >> sub_shift
  logic        sub_guard, sub_sticky, sub_round_up;
  logic [23:0] sub_q;       // rounded magnitude in units of 2^-149 (2^23 = smallest normal)
  logic [30:0] mag;         // result magnitude bits (exponent and fraction fields)

  // Below 2^-126: q = round({norm_sig, 1'b0} >> (-127 - msb_exp)). A shift of 24 or more
  // leaves less than half an ulp of the smallest subnormal: the result rounds to zero.
  assign sub_shift    = (msb_exp <= -11'sd151) ? 10'd24
                      : (msb_exp <= -11'sd127) ? 10'(-11'sd127 - msb_exp) : 10'd0;
  assign sub_ext      = {norm_sig, 1'b0, 24'd0} >> sub_shift;
  assign sub_guard    = sub_ext[23];
  assign sub_sticky   = |sub_ext[22:0];
  assign sub_round_up = sub_guard && (sub_sticky || sub_ext[24]);
  assign sub_q        = {1'b0, sub_ext[46:24]} + {23'd0, sub_round_up};

  assign mag = (msb_exp > 11'sd127)   ? {8'hFF, 23'd0}                           // overflow: inf
             : (msb_exp >= -11'sd126) ? {8'(msb_exp + 11'sd127), norm_sig[20:0], 2'b00}  // exact
             : {7'd0, sub_q};                         // subnormal; a rounding carry gives 2^-126

  // ---- Special operands --------------------------------------------------------------------
  logic prod_sign;
  assign prod_sign = a_sign ^ b_sign;

  assign prod_o = (a_nan || b_nan || (a_inf && b_zero) || (a_zero && b_inf)) ? pim_pkg::CANON_NAN
                : (a_inf || b_inf)   ? {prod_sign, 8'hFF, 23'd0}
                : (a_zero || b_zero) ? {prod_sign, 31'd0}
                : {prod_sign, mag};

endmodule
