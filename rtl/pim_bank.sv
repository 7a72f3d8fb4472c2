// pim_bank: the PIM unit of one DRAM bank (DESIGN.md sections 2 and 3).
//
// Holds the bank's slice of the global buffer (WRGB: ColsPerToken chunks of Lanes query
// elements, the bank's D/Banks share), the per-slot scalars of axpy mode (MVGB: Slots input-
// format values, identical in the Banks banks of a group), one pim_mac_front, and two
// accumulator sets: dot mode, one binary32 accumulator per token slot of the open row; axpy
// mode, one per dimension of the bank's share (ColsPerToken x Lanes). A MACAB on column c feeds
// slot c / ColsPerToken, chunk c % ColsPerToken:
//   dot : acc_dot[slot]              = acc_dot[slot] + tree(mul(k[i], q[chunk][i]))
//   axpy: acc_axpy[chunk*Lanes + i]  = acc_axpy[chunk*Lanes + i] + mul(p[slot], v[i])
// The accumulate stage is one pim_pkg::fp32_add per lane after the front (lane 0's adder serves
// dot mode), enabled only by a valid operation that uses it; its feedback loop is one cycle, so
// back-to-back MACs into one accumulator never stall.
//
// Pipeline (command presented in cycle t): the decode stage registers the column request
// (col_req_o high in cycle t+1), the slot scalar and the global-buffer chunk; the DRAM array
// model answers col_data_i in cycle t+1 (fixed one-cycle latency); the column stage registers
// the column with the operands and fmt_i (cycle t+2), so that the multipliers see registers
// only; pim_mac_front adds pim_pkg::mac_front_lat(Lanes) cycles; the accumulators are written at the
// end of cycle t+2+mac_front_lat. MVSB travels the same pipeline as a marker (so it follows
// every earlier MAC): in its accumulate cycle snap_o is high, acc_dot_o / acc_axpy_o hold the
// accumulators of that moment, and the accumulators of the MVSB's mode are cleared to +0.0 at
// the end of that cycle. Reset clears every control register and the buffers; the column-stage
// data registers load only with a valid operation. Throughput: one command per cycle.
module pim_bank #(
  parameter int Lanes        = 16,
  parameter int Slots        = 16,  // token slots of a row: Columns / ColsPerToken
  parameter int ColsPerToken = 2    // columns one token takes in one bank: D / (Banks x Lanes)
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  logic                            fmt_i,
  // Decoded command (cycle t).
  input  logic                            mac_i,
  input  logic                            wrgb_i,
  input  logic                            mvgb_i,
  input  logic                            mvsb_i,
  input  logic                            mode_i,
  input  logic [pim_pkg::CMD_COL_W-1:0]   col_i,
  input  logic [Lanes*16-1:0]             data_i,
  // DRAM array: request in cycle t+1, data in cycle t+1.
  output logic                            col_req_o,
  input  logic [Lanes*16-1:0]             col_data_i,
  // Accumulators, sampled when snap_o is high.
  output logic                            snap_o,
  output logic                            snap_mode_o,
  output logic [Slots*32-1:0]             acc_dot_o,
  output logic [ColsPerToken*Lanes*32-1:0] acc_axpy_o
);

  localparam int Lat    = pim_pkg::mac_front_lat(Lanes);
  localparam int SlotW  = (Slots > 1) ? $clog2(Slots) : 1;
  localparam int ChunkW = (ColsPerToken > 1) ? $clog2(ColsPerToken) : 1;
  localparam int SideW  = 2 + SlotW + ChunkW;  // {mvsb, mode, slot, chunk}
  localparam int AxpyN  = ColsPerToken * Lanes;

  logic [ColsPerToken*Lanes*16-1:0] gbuf_q;
  logic [Slots*16-1:0]              scal_q;
  logic [Slots*32-1:0]              acc_dot_q;
  logic [AxpyN*32-1:0]              acc_axpy_q;

  // ---- Decode stage ----------------------------------------------------------------------------
  logic [31:0]     col32, slot32, chunk32;
  logic            req_q, mvsb_r_q, mode_r_q;
  logic [SlotW-1:0]  slot_r_q;
  logic [ChunkW-1:0] chunk_r_q;
  logic [15:0]       p_r_q;
  logic [Lanes*16-1:0] b_r_q;

  always_comb begin
    col32   = 32'(col_i);
    slot32  = col32 / ColsPerToken;
    chunk32 = col32 % ColsPerToken;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      req_q     <= 1'b0;
      mvsb_r_q  <= 1'b0;
      mode_r_q  <= pim_pkg::MODE_DOT;
      slot_r_q  <= '0;
      chunk_r_q <= '0;
      p_r_q     <= '0;
      b_r_q     <= '0;
      gbuf_q    <= '0;
      scal_q    <= '0;
    end else begin
      req_q    <= mac_i;
      mvsb_r_q <= mvsb_i;
      mode_r_q <= mode_i;
      if (mac_i) begin
        slot_r_q  <= SlotW'(slot32);
        chunk_r_q <= ChunkW'(chunk32);
        p_r_q     <= scal_q[16*slot32 +: 16];
        b_r_q     <= gbuf_q[Lanes*16*chunk32 +: Lanes*16];
      end
      for (int j = 0; j < ColsPerToken; j++) begin
        if (wrgb_i && col32 == 32'(j)) gbuf_q[Lanes*16*j +: Lanes*16] <= data_i;
      end
      for (int s = 0; s < Slots; s++) begin
        if (mvgb_i && col32 == 32'(s / Lanes)) scal_q[16*s +: 16] <= data_i[16*(s % Lanes) +: 16];
      end
    end
  end

  assign col_req_o = req_q;

  // ---- Column stage: the array's column and the operands, registered ---------------------------
  logic                op_valid_q, op_mode_q, op_fmt_q;
  logic [15:0]         op_p_q;
  logic [Lanes*16-1:0] op_a_q, op_b_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      op_valid_q <= 1'b0;
      op_mode_q  <= pim_pkg::MODE_DOT;
    end else begin
      op_valid_q <= req_q;
      op_mode_q  <= mode_r_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (req_q) begin
      op_fmt_q <= fmt_i;
      op_a_q <= col_data_i;
      op_b_q <= b_r_q;
      op_p_q <= p_r_q;
    end
  end

  // ---- MAC front and the side pipeline that keeps slot/chunk/MVSB aligned with it ---------------
  logic              front_valid, front_mode;
  logic [Lanes*32-1:0] front_sum;

  pim_mac_front #(.Lanes(Lanes)) u_front (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .valid_i (op_valid_q),
    .mode_i  (op_mode_q),
    .fmt_i   (op_fmt_q),
    .a_i     (op_a_q),
    .b_i     (op_b_q),
    .p_i     (op_p_q),
    .valid_o (front_valid),
    .mode_o  (front_mode),
    .sum_o   (front_sum)
  );

  // Side pipeline: from the decode stage through the column stage and the front (SideLat stages).
  localparam int SideLat = Lat + 1;
  logic [SideLat*SideW-1:0] side_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      side_q <= '0;
    end else begin
      side_q[0 +: SideW] <= {mvsb_r_q, mode_r_q, slot_r_q, chunk_r_q};
      for (int k = 1; k < SideLat; k++) side_q[SideW*k +: SideW] <= side_q[SideW*(k-1) +: SideW];
    end
  end

  logic              acc_mvsb, acc_mode;
  logic [SlotW-1:0]  acc_slot;
  logic [ChunkW-1:0] acc_chunk;
  assign {acc_mvsb, acc_mode, acc_slot, acc_chunk} = side_q[SideW*(SideLat-1) +: SideW];

  // ---- Accumulate stage ------------------------------------------------------------------------
  // Lane 0's adder serves both modes, the others axpy only; each is enabled only by a valid
  // operation that uses it (a disabled adder outputs +0, which no accumulator loads).
  logic [Lanes*32-1:0] add_sum;
  for (genvar i = 0; i < Lanes; i++) begin : gen_acc_add
    logic        add_en;
    logic [31:0] add_a, add_b, lane_sum;
    if (i == 0) begin : gen_shared
      assign add_a = (front_mode == pim_pkg::MODE_DOT) ? acc_dot_q[32*acc_slot +: 32]
                                                       : acc_axpy_q[32*Lanes*acc_chunk +: 32];
    end else begin : gen_axpy_only
      assign add_a = acc_axpy_q[32*(Lanes*acc_chunk + i) +: 32];
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
        if (front_valid && front_mode == pim_pkg::MODE_DOT && 32'(acc_slot) == 32'(s)) begin
          acc_dot_q[32*s +: 32] <= add_sum[31:0];
        end
      end
      for (int j = 0; j < ColsPerToken; j++) begin
        if (front_valid && front_mode == pim_pkg::MODE_AXPY && 32'(acc_chunk) == 32'(j)) begin
          acc_axpy_q[32*Lanes*j +: 32*Lanes] <= add_sum;
        end
      end
      if (acc_mvsb && acc_mode == pim_pkg::MODE_DOT) acc_dot_q <= '0;
      if (acc_mvsb && acc_mode == pim_pkg::MODE_AXPY) acc_axpy_q <= '0;
    end
  end

  assign snap_o      = acc_mvsb;
  assign snap_mode_o = acc_mode;
  assign acc_dot_o   = acc_dot_q;
  assign acc_axpy_o  = acc_axpy_q;

endmodule
