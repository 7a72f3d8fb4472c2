// pim_mac: a bank's PIM MAC unit as a standalone pipeline: pim_mac_front followed by the
// accumulate stage (DESIGN.md section 3).
//
// Dot mode:  res_o[31:0] = acc_i[31:0] + tree(mul(a[0], b[0]) .. mul(a[L-1], b[L-1])), other
//            lanes of res_o are +0.
// Axpy mode: res_o lane i = acc_i lane i + mul(p_i, a[i]).
// acc_i is sampled in the same cycle as the operands. Each `+` is one binary32 RNE addition
// (pim_pkg::fp32_add), each mul one pim_pkg::fp_mul; inputs are fp16 or bf16 per operation (fmt_i).
//
// Latency: pim_pkg::mac_lat(Lanes) = mac_front_lat(Lanes) + 1 cycles (6 for 16 lanes):
// the front, then one combinational fp32 add per lane and a register. Throughput: one
// independent operation per cycle; valid_i may have gaps; results leave in issue order.
// In a bank the accumulator register closes its feedback loop through the final stage only
// (1 cycle). Lanes must be a power of two (elaboration error otherwise, see pim_mac_front).
module pim_mac #(
  parameter int Lanes = 16
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  valid_i,
  input  logic                  mode_i,
  input  logic                  fmt_i,
  input  logic [Lanes*16-1:0]   a_i,
  input  logic [Lanes*16-1:0]   b_i,
  input  logic [15:0]           p_i,
  input  logic [Lanes*32-1:0]   acc_i,
  output logic                  valid_o,
  output logic [Lanes*32-1:0]   res_o
);

  localparam int FrontLat = pim_pkg::mac_front_lat(Lanes);

  // ---- Front: products and adder tree --------------------------------------------------------
  logic                front_valid, front_mode;
  logic [Lanes*32-1:0] front_sum;

  pim_mac_front #(
    .Lanes (Lanes)
  ) u_front (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .valid_i (valid_i),
    .mode_i  (mode_i),
    .fmt_i   (fmt_i),
    .a_i     (a_i),
    .b_i     (b_i),
    .p_i     (p_i),
    .valid_o (front_valid),
    .mode_o  (front_mode),
    .sum_o   (front_sum)
  );

  // ---- Accumulator operands travel alongside the front pipeline ------------------------------
  // acc_q holds FrontLat stages of Lanes x 32 bits (flattened: Yosys 0.23 has no multi-dimensional
  // packed arrays); stage k loads when stage k-1 holds a valid operation, like the front.
  localparam int AccW = Lanes * 32;
  logic [FrontLat-1:0]        acc_valid_q;
  logic [FrontLat*AccW-1:0]   acc_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_valid_q <= '0;
    end else begin
      acc_valid_q <= (acc_valid_q << 1) | FrontLat'(valid_i);
    end
  end

  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      acc_q[0 +: AccW] <= acc_i;
    end
  end

  for (genvar k = 1; k < FrontLat; k++) begin : gen_acc_delay
    always_ff @(posedge clk_i) begin
      if (acc_valid_q[k-1]) begin
        acc_q[k*AccW +: AccW] <= acc_q[(k-1)*AccW +: AccW];
      end
    end
  end

  // The delayed accumulator operand lines up with the front's output.
  logic [AccW-1:0] acc_aligned;
  assign acc_aligned = acc_q[(FrontLat-1)*AccW +: AccW];

`ifndef SYNTHESIS
  // Simulation-only check (plain always: Icarus rejects system tasks in always_ff).
  always @(posedge clk_i) begin
    if (rst_ni) begin
      assert (acc_valid_q[FrontLat-1] == front_valid)
        else $error("pim_mac: accumulator delay line out of step with the front");
    end
  end
`endif

  // ---- Accumulate stage: one fp32 add per lane, then the result register ---------------------
  logic [Lanes*32-1:0] res_d, res_q;
  logic                valid_q;

  // Lane 0's adder serves both modes, the others axpy only; an adder is enabled only by a valid
  // operation that uses it (a disabled adder outputs +0, which is also the dot-mode result of
  // lanes 1..).
  for (genvar i = 0; i < Lanes; i++) begin : gen_acc
    logic        add_en;
    logic [31:0] add_a, add_b, lane_sum;
    assign add_en = front_valid && ((i == 0) || (front_mode == pim_pkg::MODE_AXPY));
    assign add_a  = acc_aligned[32*i +: 32];
    assign add_b  = front_sum[32*i +: 32];
    always @* begin
      lane_sum = '0;
      if (add_en) lane_sum = pim_pkg::fp32_add(add_a, add_b);
    end
    assign res_d[32*i +: 32] = lane_sum;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= front_valid;
    end
  end

  always_ff @(posedge clk_i) begin
    if (front_valid) begin
      res_q <= res_d;
    end
  end

  assign valid_o = valid_q;
  assign res_o   = res_q;

endmodule
