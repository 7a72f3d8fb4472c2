// pim_mac_front: the product and adder-tree part of a bank's PIM MAC unit (docs/design.md
// section 3), fully pipelined.
//
// Dot mode  (mode_i = pim_pkg::MODE_DOT):  sum_o[31:0] = tree(mul(a[0], b[0]) .. mul(a[L-1], b[L-1]))
//                                           and every other lane of sum_o is +0 (0x00000000).
// Axpy mode (mode_i = pim_pkg::MODE_AXPY): sum_o lane i = mul(p_i, a[i]) for every lane.
// Lane i of a_i / b_i is bits [16*i +: 16]; lane i of sum_o is bits [32*i +: 32]. fmt_i picks
// fp16 or bf16 for this operation. mul is pim_pkg::fp_mul; every tree node is one
// pim_pkg::fp32_add, and tree(x0..x{n-1}) = tree(first half) + tree(second half) (pairwise,
// lane order). Each unit is enabled only by a valid operation of its stage (tree adders: a
// valid dot operation); a disabled unit outputs +0, which no register loads.
//
// Latency: pim_pkg::mac_front_lat(Lanes) = 1 + log2(Lanes) cycles (one register after the
// multipliers, one after each tree level; 5 for 16 lanes). Throughput: one independent
// operation per cycle, no stalls; valid_i may have gaps. Outputs are meaningful when valid_o
// is high; mode_o is the mode of the operation on sum_o. Lanes must be a power of two (an
// elaboration error otherwise). Data registers have no reset (only valid/mode are reset) and
// load only when their stage holds a valid operation.
module pim_mac_front #(
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
  output logic                  valid_o,
  output logic                  mode_o,
  output logic [Lanes*32-1:0]   sum_o
);

  localparam bit LanesOk = (Lanes >= 1) && ((Lanes & (Lanes - 1)) == 0);
  localparam int Levels  = $clog2(Lanes);  // adder-tree levels

  // Elaboration check that all three tools honour: a missing module stops elaboration.
  if (!LanesOk) begin : gen_lanes_not_power_of_two
    pim_mac_error_lanes_must_be_a_power_of_two u_error ();
  end

  // ---- Stage 0: one multiplier per lane, then a register -------------------------------------
  // stage_q holds Levels+1 stages of Lanes x 32 bits, flattened (Yosys 0.23 has no
  // multi-dimensional packed arrays): stage 0 the products, stage l the sums after tree level l.
  localparam int StageW = Lanes * 32;
  logic [Levels:0]               valid_q, mode_q;
  logic [(Levels+1)*StageW-1:0]  stage_q;
  logic [StageW-1:0]             prod;

  // Every unit is enabled only by a valid operation of its stage (an idle unit gives +0): its
  // stage register loads only then, so the results are the same, and a simulator skips the
  // units' logic in idle cycles.
  for (genvar i = 0; i < Lanes; i++) begin : gen_mul
    logic [15:0] mul_a, mul_b;
    logic [31:0] mul_p;
    assign mul_a = a_i[16*i +: 16];
    assign mul_b = (mode_i == pim_pkg::MODE_AXPY) ? p_i : b_i[16*i +: 16];
    always @* begin
      mul_p = '0;
      if (valid_i) mul_p = pim_pkg::fp_mul(fmt_i, mul_a, mul_b);
    end
    assign prod[32*i +: 32] = mul_p;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q[0] <= 1'b0;
      mode_q[0]  <= pim_pkg::MODE_DOT;
    end else begin
      valid_q[0] <= valid_i;
      mode_q[0]  <= mode_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      stage_q[0 +: StageW] <= prod;
    end
  end

  // ---- Tree levels 1..Levels -------------------------------------------------------------------
  // Level l adds pairs of the Lanes >> (l-1) partial sums of level l-1 in dot mode; in axpy mode
  // every lane passes through unchanged, so both modes share one pipeline.
  for (genvar l = 1; l <= Levels; l++) begin : gen_level
    localparam int Nodes = Lanes >> l;
    logic [Lanes*32-1:0] level_d;

    for (genvar j = 0; j < Lanes; j++) begin : gen_node
      if (j < Nodes) begin : gen_add
        logic        add_en;
        logic [31:0] add_a, add_b, node_sum;
        assign add_en = valid_q[l-1] && (mode_q[l-1] == pim_pkg::MODE_DOT);
        assign add_a  = stage_q[(l-1)*StageW + 32*(2*j) +: 32];
        assign add_b  = stage_q[(l-1)*StageW + 32*(2*j+1) +: 32];
        always @* begin
          node_sum = '0;
          if (add_en) node_sum = pim_pkg::fp32_add(add_a, add_b);
        end
        assign level_d[32*j +: 32] = (mode_q[l-1] == pim_pkg::MODE_AXPY)
                                     ? stage_q[(l-1)*StageW + 32*j +: 32] : node_sum;
      end else begin : gen_pass
        assign level_d[32*j +: 32] = (mode_q[l-1] == pim_pkg::MODE_AXPY)
                                     ? stage_q[(l-1)*StageW + 32*j +: 32] : 32'd0;
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        valid_q[l] <= 1'b0;
        mode_q[l]  <= pim_pkg::MODE_DOT;
      end else begin
        valid_q[l] <= valid_q[l-1];
        mode_q[l]  <= mode_q[l-1];
      end
    end

    always_ff @(posedge clk_i) begin
      if (valid_q[l-1]) begin
        stage_q[l*StageW +: StageW] <= level_d;
      end
    end
  end

  assign valid_o = valid_q[Levels];
  assign mode_o  = mode_q[Levels];
  assign sum_o   = stage_q[Levels*StageW +: StageW];

endmodule
