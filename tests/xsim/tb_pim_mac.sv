// Icarus Verilog testbench of pim_mac (issue 15, `make xsim`, scripts/xsim.sh): reads the MAC
// vector file of `starcsim vectors` (host/mac_vectors.hpp: `dot FMT ACC A0..A15 B0..B15` /
// `axpy FMT P ACC0..ACC15 X0..X15`, hex without 0x, blank and # lines skipped) and drives the
// 16-lane pim_mac (Slots 8, Chunks 8, the Verilated build of sim/CMakeLists.txt) exactly as
// sim/mac_harness.cpp does: reset for two clocks, then one operation per cycle, each loading its
// accumulator operand through the load port into accumulator k mod 8, then idle cycles until
// every result is out. Writes one line per result in `starcsim vectors` format (%08x, 16 values
// for axpy) to +out=FILE, so that the two simulators' outputs compare with cmp.
// Idle cycles drive zeros where the Verilator harness drives random values (the unit must
// ignore both; any difference would show in the comparison).
`timescale 1ns / 1ps
module tb_pim_mac;
  localparam int Lanes = 16;
  localparam int Slots = 8;
  localparam int Chunks = 8;
  localparam int SelW = pim_pkg::mac_sel_w(Slots, Chunks);

  logic clk = 1'b0, rst_n = 1'b1;
  logic valid = 1'b0, mode = 1'b0, fmt = 1'b0, ld = 1'b0;
  logic [SelW-1:0] sel = '0;
  logic [Lanes*16-1:0] a = '0, b = '0;
  logic [15:0] p = '0;
  logic [Lanes*32-1:0] ld_acc = '0;
  logic done, done_mode, snap, snap_mode;
  logic [SelW-1:0] done_sel;
  logic [Slots*32-1:0] acc_dot;
  logic [Chunks*Lanes*32-1:0] acc_axpy;

  pim_mac #(.Lanes(Lanes), .Slots(Slots), .Chunks(Chunks)) dut (
    .clk_i(clk), .rst_ni(rst_n), .valid_i(valid), .snap_i(1'b0), .mode_i(mode), .fmt_i(fmt),
    .sel_i(sel), .a_i(a), .b_i(b), .p_i(p), .ld_i(ld), .ld_mode_i(mode), .ld_sel_i(sel),
    .ld_acc_i(ld_acc), .done_o(done), .done_mode_o(done_mode), .done_sel_o(done_sel),
    .snap_o(snap), .snap_mode_o(snap_mode), .acc_dot_o(acc_dot), .acc_axpy_o(acc_axpy));

  integer fin, fout, n, i, ops, results, next_sel, line_no;
  string path, out_path, op_s, fmt_s;
  reg [8*1024-1:0] line;  // $fgets needs a reg on Icarus 11
  logic [31:0] v [0:32];

  // One clock: rising edge, then the outputs of the new cycle are sampled; falling edge.
  task automatic tick;
    integer j;
    #5 clk = 1'b1;
    #1;
    if (done) begin
      if (done_mode) begin
        for (j = 0; j < Lanes; j = j + 1) begin
          if (j != 0) $fwrite(fout, " ");
          $fwrite(fout, "%08x", acc_axpy[32 * (done_sel * Lanes + j) +: 32]);
        end
        $fwrite(fout, "\n");
      end else begin
        $fwrite(fout, "%08x\n", acc_dot[32 * done_sel +: 32]);
      end
      results = results + 1;
    end
    #4 clk = 1'b0;
  endtask

  task automatic idle;
    valid = 1'b0;
    ld = 1'b0;
    a = '0;
    b = '0;
    p = '0;
    ld_acc = '0;
  endtask

  initial begin
    if (!$value$plusargs("vectors=%s", path)) $fatal(1, "tb_pim_mac: +vectors=FILE missing");
    if (!$value$plusargs("out=%s", out_path)) $fatal(1, "tb_pim_mac: +out=FILE missing");
    fin = $fopen(path, "r");
    if (fin == 0) $fatal(1, "tb_pim_mac: cannot open %s", path);
    fout = $fopen(out_path, "w");
    if (fout == 0) $fatal(1, "tb_pim_mac: cannot write %s", out_path);
    ops = 0;
    results = 0;
    next_sel = 0;
    line_no = 0;
    idle;
    #1 rst_n = 1'b0;
    tick;
    tick;
    rst_n = 1'b1;
    while (!$feof(fin)) begin
      line = 0;
      n = $fgets(line, fin);
      line_no = line_no + 1;
      if (n > 0) n = $sscanf(line, "%s %s %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h", op_s, fmt_s, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25], v[26], v[27], v[28], v[29], v[30], v[31], v[32]);
      // n <= 0: blank line; a first field starting with # is a comment.
      if (n > 0 && !(op_s.len() > 0 && op_s.substr(0, 0) == "#")) begin
        if (n != 35) $fatal(1, "%s:%0d: %0d fields, expected 35", path, line_no, n);
        valid = 1'b1;
        ld = 1'b1;
        sel = next_sel[SelW-1:0];
        next_sel = (next_sel + 1) % 8;
        fmt = (fmt_s == "bf16");
        if (op_s == "dot") begin
          mode = 1'b0;
          p = '0;
          ld_acc = '0;
          ld_acc[31:0] = v[0];
          for (i = 0; i < Lanes; i = i + 1) begin
            a[16 * i +: 16] = v[1 + i][15:0];
            b[16 * i +: 16] = v[17 + i][15:0];
          end
        end else if (op_s == "axpy") begin
          mode = 1'b1;
          p = v[0][15:0];
          b = '0;
          for (i = 0; i < Lanes; i = i + 1) begin
            ld_acc[32 * i +: 32] = v[1 + i];
            a[16 * i +: 16] = v[17 + i][15:0];
          end
        end else begin
          $fatal(1, "%s:%0d: unknown operation %s", path, line_no, op_s);
        end
        ops = ops + 1;
        tick;
      end
    end
    idle;
    for (i = 0; i < 16 && results < ops; i = i + 1) tick;
    $fclose(fout);
    if (results != ops) $fatal(1, "tb_pim_mac: %0d results for %0d operations", results, ops);
    $display("tb_pim_mac: %0d operations", ops);
    $finish;
  end
endmodule
