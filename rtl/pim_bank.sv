// pim_bank: the PIM unit of one DRAM bank (docs/design.md sections 2 and 3).
//
// The head dimension is a run-time mode (cpt_log2_i, the channel's mode register, written at
// initialisation and constant while commands run): a token takes cpt = 2^cpt_log2_i columns of
// the bank's row (D / (Banks x Lanes)), at most MaxColsPerToken, so a row holds Columns / cpt
// token slots. The bank is built for every such mode: Columns dot accumulators (one per slot at
// cpt = 1) and MaxColsPerToken axpy sets; a mode uses the first Columns / cpt resp. cpt of them.
//
// Holds the bank's slice of the global buffer (WRGB: up to MaxColsPerToken chunks of Lanes
// query elements, the bank's D/Banks share), the per-slot scalars of axpy mode (MVGB: Columns
// input-format values, identical in the Banks banks of a group) and one pim_mac (the unit that
// tests/test_mac_rtl.cpp verifies). A MACAB on column c feeds slot c >> cpt_log2_i, chunk
// c & (cpt - 1):
//   dot : acc_dot[slot]              = acc_dot[slot] + tree(mul(k[i], q[chunk][i]))
//   axpy: acc_axpy[chunk*Lanes + i]  = acc_axpy[chunk*Lanes + i] + mul(p[slot], v[i])
// The accumulator's feedback loop is one cycle (pim_mac), so back-to-back MACs into one
// accumulator never stall.
//
// Pipeline (command presented in cycle t): the decode stage registers the column request
// (col_req_o high in cycle t+1), the slot scalar, the global-buffer chunk and the accumulator
// index; the DRAM array model answers col_data_i in cycle t+1 (fixed one-cycle latency); the
// column stage registers the column with the operands and fmt_i (cycle t+2), so that the
// multipliers see registers only; pim_mac then takes pim_pkg::mac_front_lat(Lanes) cycles to
// its accumulate stage, and the accumulators are written at the end of cycle
// t+2+mac_front_lat. MVSB travels the same pipeline as pim_mac's snapshot marker (so it follows
// every earlier MAC): in its accumulate cycle snap_o is high, acc_dot_o / acc_axpy_o hold the
// accumulators of that moment, and the accumulators of the MVSB's mode are cleared to +0.0 at
// the end of that cycle. Reset clears every control register, the buffers and the
// accumulators; the column-stage data registers load only with a valid operation.
// Throughput: one command per cycle.
module pim_bank #(
  parameter int Lanes           = 16,
  parameter int Columns         = 32,  // columns of a row = token slots at one column per token
  parameter int MaxColsPerToken = 4    // the largest D / (Banks x Lanes) the bank serves
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  input  logic                               fmt_i,
  input  logic [pim_pkg::CPT_LOG2_W-1:0]     cpt_log2_i,  // mode: log2(columns per token)
  // Decoded command (cycle t).
  input  logic                               mac_i,
  input  logic                               wrgb_i,
  input  logic                               mvgb_i,
  input  logic                               mvsb_i,
  input  logic                               mode_i,
  input  logic [pim_pkg::CMD_COL_W-1:0]      col_i,
  input  logic [Lanes*16-1:0]                data_i,
  // DRAM array: request in cycle t+1, data in cycle t+1.
  output logic                               col_req_o,
  input  logic [Lanes*16-1:0]                col_data_i,
  // Accumulators, sampled when snap_o is high.
  output logic                               snap_o,
  output logic                               snap_mode_o,
  output logic [Columns*32-1:0]              acc_dot_o,
  output logic [MaxColsPerToken*Lanes*32-1:0] acc_axpy_o
);

  localparam int Slots = Columns;  // dot accumulators: the most slots a mode uses (cpt = 1)
  localparam int SlotW = pim_pkg::mac_sel_w(Slots, MaxColsPerToken);  // pim_mac's sel_i width

  logic [MaxColsPerToken*Lanes*16-1:0] gbuf_q;
  logic [Slots*16-1:0]              scal_q;

  // ---- Decode stage ----------------------------------------------------------------------------
  logic [31:0]         col32, slot32, chunk32;
  logic                req_q, mvsb_r_q, mode_r_q;
  logic [SlotW-1:0]    sel_r_q;  // accumulator index: dot, the slot; axpy, the chunk
  logic [15:0]         p_r_q;
  logic [Lanes*16-1:0] b_r_q;

  always_comb begin
    col32   = 32'(col_i);
    slot32  = col32 >> cpt_log2_i;
    chunk32 = col32 & ((32'd1 << cpt_log2_i) - 32'd1);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      req_q    <= 1'b0;
      mvsb_r_q <= 1'b0;
      mode_r_q <= pim_pkg::MODE_DOT;
      sel_r_q  <= '0;
      p_r_q    <= '0;
      b_r_q    <= '0;
      gbuf_q   <= '0;
      scal_q   <= '0;
    end else begin
      req_q    <= mac_i;
      mvsb_r_q <= mvsb_i;
      mode_r_q <= mode_i;
      if (mac_i) begin
        sel_r_q <= SlotW'((mode_i == pim_pkg::MODE_AXPY) ? chunk32 : slot32);
        p_r_q   <= scal_q[16*slot32 +: 16];
        b_r_q   <= gbuf_q[Lanes*16*chunk32 +: Lanes*16];
      end
      for (int j = 0; j < MaxColsPerToken; j++) begin
        if (wrgb_i && col32 == 32'(j)) gbuf_q[Lanes*16*j +: Lanes*16] <= data_i;
      end
      for (int s = 0; s < Slots; s++) begin
        if (mvgb_i && col32 == 32'(s / Lanes)) scal_q[16*s +: 16] <= data_i[16*(s % Lanes) +: 16];
      end
    end
  end

  assign col_req_o = req_q;

  // ---- Column stage: the array's column and the operands, registered ---------------------------
  logic                op_valid_q, op_snap_q, op_mode_q, op_fmt_q;
  logic [SlotW-1:0]    op_sel_q;
  logic [15:0]         op_p_q;
  logic [Lanes*16-1:0] op_a_q, op_b_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      op_valid_q <= 1'b0;
      op_snap_q  <= 1'b0;
      op_mode_q  <= pim_pkg::MODE_DOT;
      op_sel_q   <= '0;
    end else begin
      op_valid_q <= req_q;
      op_snap_q  <= mvsb_r_q;
      op_mode_q  <= mode_r_q;
      op_sel_q   <= sel_r_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (req_q) begin
      op_fmt_q <= fmt_i;
      op_a_q   <= col_data_i;
      op_b_q   <= b_r_q;
      op_p_q   <= p_r_q;
    end
  end

  // ---- The MAC unit: products, adder tree, accumulate stage, accumulators ----------------------
  logic             mac_done, mac_done_mode;
  logic [SlotW-1:0] mac_done_sel;

  pim_mac #(
    .Lanes  (Lanes),
    .Slots  (Slots),
    .Chunks (MaxColsPerToken)
  ) u_mac (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .valid_i     (op_valid_q),
    .snap_i      (op_snap_q),
    .mode_i      (op_mode_q),
    .fmt_i       (op_fmt_q),
    .sel_i       (op_sel_q),
    .a_i         (op_a_q),
    .b_i         (op_b_q),
    .p_i         (op_p_q),
    .ld_i        (1'b0),
    .ld_mode_i   (pim_pkg::MODE_DOT),
    .ld_sel_i    ({SlotW{1'b0}}),
    .ld_acc_i    ({(Lanes*32){1'b0}}),
    .done_o      (mac_done),
    .done_mode_o (mac_done_mode),
    .done_sel_o  (mac_done_sel),
    .snap_o      (snap_o),
    .snap_mode_o (snap_mode_o),
    .acc_dot_o   (acc_dot_o),
    .acc_axpy_o  (acc_axpy_o)
  );

  // A bank reads its accumulators at MVSB snapshots only; the load port (for the standalone
  // unit's harness) is tied off.
  logic unused_done;
  assign unused_done = ^{mac_done, mac_done_mode, mac_done_sel};

endmodule
