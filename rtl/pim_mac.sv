// pim_mac: the PIM MAC unit of one bank (docs/design.md section 3): pim_mac_front, the
// accumulate stage and the accumulators. pim_bank instantiates it; tests/test_mac_rtl.cpp and
// `starcsim vectors` verify the same module standalone (sim/mac_harness.cpp).
//
// Accumulators: Slots dot accumulators (one binary32 each) and Chunks axpy sets (Lanes x
// binary32 each). An operation names its accumulator with sel_i (dot: slot sel_i; axpy: set
// sel_i; sel_i must be below Slots resp. Chunks):
//   dot : acc_dot[sel]          = acc_dot[sel] + tree(mul(a[0], b[0]) .. mul(a[L-1], b[L-1]))
//   axpy: acc_axpy[sel] lane i  = acc_axpy[sel] lane i + mul(p_i, a[i])
// Each `+` is one binary32 RNE addition (pim_pkg::fp32_add), each mul one pim_pkg::fp_mul;
// inputs are fp16 or bf16 per operation (fmt_i). The accumulator is read in the operation's
// accumulate stage, not at issue: the feedback loop is one cycle, so back-to-back operations
// into one accumulator never stall.
//
// Timing (operation presented in cycle t): pim_mac_front takes pim_pkg::mac_front_lat(Lanes)
// cycles; the accumulate stage is cycle t + mac_front_lat (one fp32 add per lane, lane 0's
// adder serving dot mode, each enabled only by a valid operation that uses it), and the
// accumulator is written at its end. In cycle t + pim_pkg::mac_lat(Lanes) (6 for 16 lanes)
// done_o is high and done_mode_o / done_sel_o name the accumulator that now holds the
// operation's result on acc_dot_o / acc_axpy_o (which always show the accumulators).
// Throughput: one operation per cycle; valid_i may have gaps; operations complete in order.
//
// Snapshot: snap_i (with valid_i low; mode_i names the accumulator set) is a marker that
// travels the pipeline behind every earlier operation. In its accumulate cycle (t +
// mac_front_lat) snap_o is high, snap_mode_o is its mode, acc_dot_o / acc_axpy_o include every
// earlier operation, and the accumulators of that mode are cleared to +0.0 at the end of the
// cycle (a bank's MVSB).
//
// Load port: ld_i writes ld_acc_i into accumulator ld_sel_i of mode ld_mode_i (dot: bits
// [31:0]) at the end of the cycle, after any accumulate or clear of that cycle. The standalone
// harness gives each operation its accumulator operand this way; a bank ties it off.
//
// Reset clears the accumulators and every control register; data registers load only with a
// valid operation. Lanes must be a power of two (an elaboration error otherwise, see
// pim_mac_front).
module pim_mac #(
  parameter int Lanes  = 16,
  parameter int Slots  = 16,  // dot accumulators
  parameter int Chunks = 2,   // axpy accumulator sets of Lanes values
  localparam int SelW  = pim_pkg::mac_sel_w(Slots, Chunks)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // Operation or snapshot marker.
  input  logic                      valid_i,
  input  logic                      snap_i,
  input  logic                      mode_i,
  input  logic                      fmt_i,
  input  logic [SelW-1:0]           sel_i,
  input  logic [Lanes*16-1:0]       a_i,
  input  logic [Lanes*16-1:0]       b_i,
  input  logic [15:0]               p_i,
  // Accumulator load port.
  input  logic                      ld_i,
  input  logic                      ld_mode_i,
  input  logic [SelW-1:0]           ld_sel_i,
  input  logic [Lanes*32-1:0]       ld_acc_i,
  // Completion of an operation (cycle t + mac_lat).
  output logic                      done_o,
  output logic                      done_mode_o,
  output logic [SelW-1:0]           done_sel_o,
  // Snapshot (cycle t + mac_front_lat) and the accumulators.
  output logic                      snap_o,
  output logic                      snap_mode_o,
  output logic [Slots*32-1:0]       acc_dot_o,
  output logic [Chunks*Lanes*32-1:0] acc_axpy_o
);

  localparam int FrontLat = pim_pkg::mac_front_lat(Lanes);
  localparam int SideW    = 1 + SelW;  // {snap, sel}

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

  // ---- Side pipeline: the snapshot marker and the accumulator index, aligned with the front --
  // pim_mac_front's mode pipeline loads in every cycle, so front_mode is also a marker's mode.
  logic [FrontLat*SideW-1:0] side_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      side_q <= '0;
    end else begin
      side_q[0 +: SideW] <= {snap_i, sel_i};
      for (int k = 1; k < FrontLat; k++) side_q[SideW*k +: SideW] <= side_q[SideW*(k-1) +: SideW];
    end
  end

  logic            acc_snap;
  logic [SelW-1:0] acc_sel;
  assign {acc_snap, acc_sel} = side_q[SideW*(FrontLat-1) +: SideW];

`ifndef SYNTHESIS
  // Simulation-only check (plain always: Icarus rejects system tasks in always_ff).
  always @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(valid_i && snap_i)) else $error("pim_mac: snapshot marker with an operation");
    end
  end
`endif

  // ---- Accumulate stage ------------------------------------------------------------------------
  logic [Slots*32-1:0]        acc_dot_q;
  logic [Chunks*Lanes*32-1:0] acc_axpy_q;
  logic [Lanes*32-1:0]        add_sum;

  // Lane 0's adder serves both modes, the others axpy only; each is enabled only by a valid
  // operation that uses it (a disabled adder outputs +0, which no accumulator loads).
  for (genvar i = 0; i < Lanes; i++) begin : gen_acc_add
    logic        add_en;
    logic [31:0] add_a, add_b, lane_sum;
    if (i == 0) begin : gen_shared
      assign add_a = (front_mode == pim_pkg::MODE_DOT) ? acc_dot_q[32*acc_sel +: 32]
                                                       : acc_axpy_q[32*Lanes*acc_sel +: 32];
    end else begin : gen_axpy_only
      assign add_a = acc_axpy_q[32*(Lanes*acc_sel + i) +: 32];
    end
    assign add_en = front_valid && ((i == 0) || (front_mode == pim_pkg::MODE_AXPY));
    assign add_b  = front_sum[32*i +: 32];
    always @* begin
      lane_sum = '0;
      if (add_en) lane_sum = pim_pkg::fp32_add(add_a, add_b);
    end
    assign add_sum[32*i +: 32] = lane_sum;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_dot_q  <= '0;
      acc_axpy_q <= '0;
    end else begin
      for (int s = 0; s < Slots; s++) begin
        if (front_valid && front_mode == pim_pkg::MODE_DOT && 32'(acc_sel) == 32'(s)) begin
          acc_dot_q[32*s +: 32] <= add_sum[31:0];
        end
      end
      for (int j = 0; j < Chunks; j++) begin
        if (front_valid && front_mode == pim_pkg::MODE_AXPY && 32'(acc_sel) == 32'(j)) begin
          acc_axpy_q[32*Lanes*j +: 32*Lanes] <= add_sum;
        end
      end
      if (acc_snap && front_mode == pim_pkg::MODE_DOT) acc_dot_q <= '0;
      if (acc_snap && front_mode == pim_pkg::MODE_AXPY) acc_axpy_q <= '0;
      if (ld_i) begin
        for (int s = 0; s < Slots; s++) begin
          if (ld_mode_i == pim_pkg::MODE_DOT && 32'(ld_sel_i) == 32'(s)) begin
            acc_dot_q[32*s +: 32] <= ld_acc_i[31:0];
          end
        end
        for (int j = 0; j < Chunks; j++) begin
          if (ld_mode_i == pim_pkg::MODE_AXPY && 32'(ld_sel_i) == 32'(j)) begin
            acc_axpy_q[32*Lanes*j +: 32*Lanes] <= ld_acc_i;
          end
        end
      end
    end
  end

  // ---- Completion ------------------------------------------------------------------------------
  logic            done_q, done_mode_q;
  logic [SelW-1:0] done_sel_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      done_q      <= 1'b0;
      done_mode_q <= pim_pkg::MODE_DOT;
      done_sel_q  <= '0;
    end else begin
      done_q <= front_valid;
      if (front_valid) begin
        done_mode_q <= front_mode;
        done_sel_q  <= acc_sel;
      end
    end
  end

  assign done_o      = done_q;
  assign done_mode_o = done_mode_q;
  assign done_sel_o  = done_sel_q;
  assign snap_o      = acc_snap;
  assign snap_mode_o = front_mode;
  assign acc_dot_o   = acc_dot_q;
  assign acc_axpy_o  = acc_axpy_q;

endmodule
