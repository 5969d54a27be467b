<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>BatchesPanel</name>
    <message>
        <source>none (add the losses)</source>
        <translation>不缩放（直接相加）</translation>
    </message>
    <message>
        <source>× 1/K</source>
        <translation>× 1/K</translation>
    </message>
    <message>
        <source>× nᵢ/n (share of the samples)</source>
        <translation>× nᵢ/n（样本占比）</translation>
    </message>
    <message>
        <source>Gradient accumulation</source>
        <extracomment>the student chose a split (a SplitSettings; all None: one ordinary backward()) one more micro-batch&apos;s backward() take the step (optimizer.step() on what .grad holds) the last batch part&apos;s drop_last switch the workers&apos; local reduction (&quot;mean&quot; or &quot;sum&quot;: the lab&apos;s reduction)</extracomment>
        <translation>梯度累积</translation>
    </message>
    <message>
        <source>Data-parallel workers</source>
        <translation>数据并行进程</translation>
    </message>
    <message>
        <source>The last batch</source>
        <translation>最后一个批次</translation>
    </message>
    <message>
        <source>Accumulate every step over micro-batches</source>
        <translation>每一步在微批次上累积梯度</translation>
    </message>
    <message>
        <source>sizes, e.g. 1,3</source>
        <translation>大小，例如 1,3</translation>
    </message>
    <message>
        <source>Type the micro-batch sizes (they add up to the batch); empty: K equal sizes</source>
        <translation>输入各微批次的大小（加起来等于批次大小）；留空：K 个相等的大小</translation>
    </message>
    <message>
        <source>forget zero_grad()</source>
        <translation>忘记 zero_grad()</translation>
    </message>
    <message>
        <source>Never clear .grad: the previous step&apos;s gradient is carried into this one</source>
        <translation>从不清空 .grad：上一步的梯度被带进这一步</translation>
    </message>
    <message>
        <source>backward() on the next micro-batch: its gradient is added to .grad</source>
        <translation>对下一个微批次调用 backward()：它的梯度被加到 .grad 上</translation>
    </message>
    <message>
        <source>Step: optimizer.step()</source>
        <translation>单步：optimizer.step()</translation>
    </message>
    <message>
        <source>Take the step: every micro-batch&apos;s backward(), then the optimizer on .grad</source>
        <translation>走这一步：每个微批次先 backward()，再由优化器按 .grad 更新</translation>
    </message>
    <message>
        <source>Train with data-parallel workers (DDP, gloo on 127.0.0.1)</source>
        <translation>用数据并行进程训练（DDP，gloo，127.0.0.1）</translation>
    </message>
    <message>
        <source>shards, e.g. 1,3</source>
        <translation>分片，例如 1,3</translation>
    </message>
    <message>
        <source>Each worker&apos;s share of the batch; empty: even shards</source>
        <translation>每个进程分到的批次样本数；留空：平均分片</translation>
    </message>
    <message>
        <source>local loss × world size</source>
        <translation>本地损失 × 进程数</translation>
    </message>
    <message>
        <source>The usual workaround for sum semantics: DDP averages, so multiply by W</source>
        <translation>求和语义的常用补救：DDP 会取平均，所以乘以 W</translation>
    </message>
    <message>
        <source>local {reduction}</source>
        <translation>本地 {reduction}</translation>
    </message>
    <message>
        <source>Step through the workers</source>
        <translation>通过各进程走一步</translation>
    </message>
    <message>
        <source>Leave out the smaller last batch, as DataLoader(drop_last=True) does</source>
        <translation>丢弃较小的最后一个批次，和 DataLoader(drop_last=True) 一样</translation>
    </message>
    <message>
        <source>{name}: must be whole numbers separated by commas, got {text!r}</source>
        <translation>{name}：必须是用逗号分隔的整数，收到的是 {text!r}</translation>
    </message>
    <message>
        <source>starting {w} workers: {r} ready…</source>
        <translation>正在启动 {w} 个进程：{r} 个已就绪…</translation>
    </message>
    <message>
        <source>Switch on micro-batches: the batch is split into K parts, each reduced with the lab&apos;s reduction, scaled, and given its own backward().</source>
        <translation>打开微批次：批次被分成 K 份，每份按实验室的归约方式归约、缩放，并各自调用一次 backward()。</translation>
    </message>
    <message>
        <source>Step {step}: the batch {batch} in K = {k} micro-batches of {sizes}; backward() {pressed} of {k} done</source>
        <translation>第 {step} 步：批次 {batch} 分成 K = {k} 个微批次，大小为 {sizes}；已完成 {pressed}/{k} 次 backward()</translation>
    </message>
    <message>
        <source>■ carried from earlier steps: .grad = {g}</source>
        <translation>■ 从之前的步带过来的：.grad = {g}</translation>
    </message>
    <message>
        <source>{j}. samples {samples}: {red}() = {loss} × {scale}</source>
        <translation>{j}. 样本 {samples}：{red}() = {loss} × {scale}</translation>
    </message>
    <message>
        <source>.grad now (w, b) = {g}</source>
        <translation>当前 .grad (w, b) = {g}</translation>
    </message>
    <message>
        <source>- - - one backward() over the whole batch = {g}</source>
        <translation>- - - 整个批次一次 backward() = {g}</translation>
    </message>
    <message>
        <source>press backward() {n} more times to compare</source>
        <translation>再按 {n} 次 backward() 即可比较</translation>
    </message>
    <message>
        <source>Switch on workers: W processes join a gloo process group on 127.0.0.1, each wraps the model in DistributedDataParallel.</source>
        <translation>打开多进程：W 个进程在 127.0.0.1 上加入一个 gloo 进程组，每个进程用 DistributedDataParallel 包装模型。</translation>
    </message>
    <message>
        <source>{w} workers ready ({method}, started in {s} s)</source>
        <translation>{w} 个进程已就绪（{method}，启动用时 {s} 秒）</translation>
    </message>
    <message>
        <source>Press Step: every worker runs forward and backward on its shard; DDP&apos;s all-reduce averages the gradients.</source>
        <translation>按“单步”：每个进程在自己的分片上做前向和反向传播；DDP 的 all-reduce 对梯度取平均。</translation>
    </message>
    <message>
        <source>Step {step}: {agree}</source>
        <translation>第 {step} 步：{agree}</translation>
    </message>
    <message>
        <source>✓ every worker holds the same .grad and the same w, b</source>
        <translation>✓ 每个进程的 .grad 和 w、b 都相同</translation>
    </message>
    <message>
        <source>✗ the workers&apos; .grad or w, b differ</source>
        <translation>✗ 各进程的 .grad 或 w、b 不同</translation>
    </message>
    <message>
        <source>all-reduced .grad (w, b) = {g}</source>
        <translation>all-reduce 之后的 .grad (w, b) = {g}</translation>
    </message>
    <message>
        <source>single process, one backward() = {g}</source>
        <translation>单进程，一次 backward() = {g}</translation>
    </message>
    <message>
        <source>An epoch here has too many batches to replay (or no reduction is chosen).</source>
        <translation>这里一个轮次的批次太多，无法重放（或者没有选择归约方式）。</translation>
    </message>
    <message>
        <source>N = {n} samples in batches of B = {b}: {sizes}</source>
        <translation>N = {n} 个样本，批次大小 B = {b}：{sizes}</translation>
    </message>
    <message>
        <source>Under mean, a sample of the last batch weighs 1/{bl} = {wl} in its batch&apos;s loss, a sample of a full batch 1/{b} = {wf}.</source>
        <translation>用 mean 时，最后一个批次中每个样本在本批损失中的权重是 1/{bl} = {wl}，完整批次中的样本是 1/{b} = {wf}。</translation>
    </message>
    <message>
        <source>drop_last leaves out {d}: {samples}</source>
        <translation>drop_last 丢弃了 {d} 个：{samples}</translation>
    </message>
    <message>
        <source>N is a multiple of B: every batch has {b} samples.</source>
        <translation>N 是 B 的整数倍：每个批次都有 {b} 个样本。</translation>
    </message>
    <message>
        <source>✓ the same gradient as one backward() over the whole batch (relative 1e-9)</source>
        <extracomment>One colour per micro-batch (or worker), then again.</extracomment>
        <translation>✓ 与整个批次一次 backward() 的梯度相同（相对误差 1e-9）</translation>
    </message>
    <message>
        <source>worker {rank}</source>
        <translation>进程 {rank}</translation>
    </message>
    <message>
        <source>shard of {n} samples</source>
        <translation>{n} 个样本的分片</translation>
    </message>
    <message>
        <source>shard {samples}</source>
        <translation>分片 {samples}</translation>
    </message>
    <message>
        <source>local loss = {loss}</source>
        <translation>本地损失 = {loss}</translation>
    </message>
    <message>
        <source>local gradient {grad}</source>
        <translation>本地梯度 {grad}</translation>
    </message>
    <message>
        <source>.grad after all-reduce {grad}</source>
        <translation>all-reduce 之后的 .grad {grad}</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>weight of a sample</source>
        <translation>每个样本的权重</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>mean of the batch means</source>
        <translation>各批次均值的平均</translation>
    </message>
    <message>
        <source>sample-weighted mean</source>
        <translation>按样本加权的平均</translation>
    </message>
    <message>
        <source>full-data loss at the epoch&apos;s end</source>
        <translation>轮次结束时全体数据的损失</translation>
    </message>
</context>
<context>
    <name>ChainRulePanel</name>
    <message>
        <source>The sample&apos;s number in the dataset (1 = the first)</source>
        <extracomment>The table shows at most this many batch rows, then a &quot;…&quot; row. (header, tooltip) per column; the header&apos;s second line says which factor of the chain it is.</extracomment>
        <translation>样本在数据集中的序号（1 表示第一个）</translation>
    </message>
    <message>
        <source>The target</source>
        <translation>目标值</translation>
    </message>
    <message>
        <source>The prediction w·xᵢ + b at the current w and b</source>
        <translation>当前 w、b 下的预测值 w·xᵢ + b</translation>
    </message>
    <message>
        <source>The residual</source>
        <translation>残差</translation>
    </message>
    <message>
        <source>This sample&apos;s loss</source>
        <translation>这个样本的损失</translation>
    </message>
    <message>
        <source>How this sample&apos;s loss changes with its prediction</source>
        <translation>这个样本的损失随其预测值的变化率</translation>
    </message>
    <message>
        <source>How much this sample&apos;s loss counts in L: the reduction decides</source>
        <translation>这个样本的损失在 L 中占多大分量：由归约方式决定</translation>
    </message>
    <message>
        <source>How the prediction changes with w: the input xᵢ</source>
        <translation>预测值随 w 的变化率：就是输入 xᵢ</translation>
    </message>
    <message>
        <source>How the prediction changes with b: always 1</source>
        <translation>预测值随 b 的变化率：恒为 1</translation>
    </message>
    <message>
        <source>The logit w·xᵢ + b at the current w and b (pᵢ = σ(zᵢ))</source>
        <extracomment>The columns that change for the logistic model: index -&gt; (header, tooltip).</extracomment>
        <translation>当前 w、b 下的 logit w·xᵢ + b（pᵢ = σ(zᵢ)）</translation>
    </message>
    <message>
        <source>The probability minus the label</source>
        <translation>概率减去标签</translation>
    </message>
    <message>
        <source>How this sample&apos;s loss changes with its logit: (pᵢ − yᵢ) times its weight</source>
        <translation>该样本的损失随其 logit 的变化：(pᵢ − yᵢ) 乘以它的权重</translation>
    </message>
    <message>
        <source>How the logit changes with w: the sample&apos;s x</source>
        <translation>logit 随 w 的变化：即该样本的 x</translation>
    </message>
    <message>
        <source>How the logit changes with b: always 1</source>
        <translation>logit 随 b 的变化：恒为 1</translation>
    </message>
    <message>
        <source>This sample&apos;s share of ∂L/∂w</source>
        <translation>这个样本对 ∂L/∂w 的贡献</translation>
    </message>
    <message>
        <source>This sample&apos;s share of ∂L/∂b</source>
        <translation>这个样本对 ∂L/∂b 的贡献</translation>
    </message>
    <message>
        <source>∂lᵢ/∂zᵢ = weight·(pᵢ − yᵢ): σ′(z) = σ(z)(1 − σ(z)) cancels the log&apos;s 1/p</source>
        <translation>∂lᵢ/∂zᵢ = 权重·(pᵢ − yᵢ)：σ′(z) = σ(z)(1 − σ(z)) 抵消了对数的 1/p</translation>
    </message>
    <message>
        <source>lᵢ = ½(ŷᵢ − yᵢ)² if |ŷᵢ − yᵢ| &lt; 1, else |ŷᵢ − yᵢ| − ½</source>
        <translation>|ŷᵢ − yᵢ| &lt; 1 时 lᵢ = ½(ŷᵢ − yᵢ)²，否则 lᵢ = |ŷᵢ − yᵢ| − ½</translation>
    </message>
    <message>
        <source>plain SGD</source>
        <translation>普通 SGD</translation>
    </message>
    <message>
        <source>SGD with momentum</source>
        <translation>带动量的 SGD</translation>
    </message>
    <message>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>&lt;b&gt;Note on the article:&lt;/b&gt; its text gives the first w as &lt;b&gt;−0.3&lt;/b&gt;. That is a sign slip: the first gradient is ∂L/∂w = −30, so w ← 0 − 0.01·(−30) = &lt;b&gt;+0.3&lt;/b&gt;, and PyTorch prints 0.3.</source>
        <translation>&lt;b&gt;关于原文：&lt;/b&gt;原文写道“第一次得到的 w 的结果为 &lt;b&gt;−0.3&lt;/b&gt;”，这是一处符号错误：第一次的梯度是 ∂L/∂w = −30，所以 w ← 0 − 0.01·(−30) = &lt;b&gt;+0.3&lt;/b&gt;，PyTorch 打印出的也是 0.3。</translation>
    </message>
    <message>
        <source>by hand (Σ of the column)</source>
        <translation>手算（这一列求和 Σ）</translation>
    </message>
    <message>
        <source>autograd (backward())</source>
        <translation>自动求导（backward()）</translation>
    </message>
    <message>
        <source>within {tolerance}?</source>
        <translation>相差在 {tolerance} 以内？</translation>
    </message>
    <message>
        <source>Chain rule for the next step: {setup} · at w = {w}, b = {b}</source>
        <translation>下一步的链式法则：{setup} · 在 w = {w}，b = {b} 处</translation>
    </message>
    <message>
        <source>Chain rule for step {step}: {setup} · at w = {w}, b = {b} (before step {step})</source>
        <translation>第 {step} 步的链式法则：{setup} · 在 w = {w}，b = {b} 处（第 {step} 步之前）</translation>
    </message>
    <message>
        <source>Chain rule for step {step}: {setup} · at w = {w}, b = {b} (before step {step}, not taken yet)</source>
        <translation>第 {step} 步的链式法则：{setup} · 在 w = {w}，b = {b} 处（第 {step} 步之前，尚未执行）</translation>
    </message>
    <message>
        <source>&lt;b&gt;No scalar L to differentiate.&lt;/b&gt; PyTorch: RuntimeError: {error}</source>
        <translation>&lt;b&gt;没有可以求导的标量 L。&lt;/b&gt;PyTorch 报错：RuntimeError: {error}</translation>
    </message>
    <message>
        <source>no reduction: the loss stays a vector of shape ({B},)</source>
        <translation>不归约：损失仍是形状为 ({B},) 的向量</translation>
    </message>
    <message>
        <source>{more} more rows: their products are in the sums</source>
        <translation>还有 {more} 行：它们的乘积已计入求和</translation>
    </message>
    <message>
        <source>✓ agree</source>
        <translation>✓ 一致</translation>
    </message>
    <message>
        <source>✗ differ</source>
        <translation>✗ 不一致</translation>
    </message>
    <message>
        <source>Update (plain SGD):</source>
        <translation>参数更新（普通 SGD）：</translation>
    </message>
    <message>
        <source>Update: this run uses &lt;b&gt;{optimizer}&lt;/b&gt;, so the step is {optimizer}&apos;s own rule applied to this gradient, not plain lr·g. Plain SGD would give:</source>
        <translation>参数更新：这次训练用的是 &lt;b&gt;{optimizer}&lt;/b&gt;，这一步按 {optimizer} 自己的规则使用这个梯度，而不是简单地走 lr·g。普通 SGD 会得到：</translation>
    </message>
</context>
<context>
    <name>CodeDialog</name>
    <message>
        <source>The same run in plain PyTorch</source>
        <translation>同一次训练的纯 PyTorch 代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the script to the clipboard, to paste into a .py file</source>
        <translation>把脚本复制到剪贴板，可粘贴进一个 .py 文件</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Run it with: python script.py</source>
        <translation>运行方法：python script.py</translation>
    </message>
    <message>
        <source>Save the script</source>
        <translation>保存脚本</translation>
    </message>
    <message>
        <source>Could not save {path}: {reason}</source>
        <translation>无法保存 {path}：{reason}</translation>
    </message>
</context>
<context>
    <name>Compare</name>
    <message>
        <source>&amp;Compare</source>
        <extracomment>One colour per run (the main run first): distinct on white, dark and the landscape&apos;s viridis. Pen widths: the landscape&apos;s paths are short (MAX_PATH points), the history&apos;s may be long. While running, the curves are redrawn at most this often (seconds), as the history&apos;s are. (last step, lowest and highest log10 loss) of every run&apos;s steps, kept as they come</extracomment>
        <translation>对比(&amp;C)</translation>
    </message>
    <message>
        <source>Up to four runs from the same start on the same data, in lockstep: Step, Run, Reset and the timeline drive them all</source>
        <translation>最多四个训练从同一起点、在同一份数据上同步进行：单步、运行、重置和时间轴同时控制它们</translation>
    </message>
    <message>
        <source>&amp;Stop comparing</source>
        <translation>停止对比(&amp;S)</translation>
    </message>
    <message>
        <source>The ready-made comparisons show the line model only (y = w·x + b): switch the model to line to compare runs.</source>
        <translation>现成的对比只适用于直线模型（y = w·x + b）：把模型切换为 line 才能对比多次运行。</translation>
    </message>
    <message>
        <source>diverged at step {step}, stopped</source>
        <translation>在第 {step} 步发散，已停止</translation>
    </message>
    <message>
        <source>largest |Δw|, |Δb| from the first: {diff}</source>
        <translation>与第一个的最大 |Δw|、|Δb|：{diff}</translation>
    </message>
</context>
<context>
    <name>Controls</name>
    <message>
        <source>Which data to fit: each preset shows a different lesson (scale, outliers, noise, size).</source>
        <extracomment>One-sentence tooltips (marked for translation; ``tip(key)`` gives them translated).</extracomment>
        <translation>要拟合哪组数据：每个预设讲一个不同的道理（尺度、离群点、噪声、数据量）。</translation>
    </message>
    <message>
        <source>How many samples the generated dataset has; a full-batch step costs more with more.</source>
        <translation>生成的数据集有多少个样本；样本越多，全批量的一步越费时。</translation>
    </message>
    <message>
        <source>The spread of the random noise added to y, so the points are not exactly on a line.</source>
        <translation>加在 y 上的随机噪声的大小，让数据点不完全落在一条直线上。</translation>
    </message>
    <message>
        <source>Random seed for the generated data and the minibatch shuffle: the same seed gives the same run.</source>
        <translation>生成数据和打乱小批量所用的随机种子：同一个种子得到同样的训练过程。</translation>
    </message>
    <message>
        <source>Learning rate: how far each step moves w and b against the gradient (new = old − lr · gradient).</source>
        <translation>学习率：每一步让 w 和 b 沿梯度反方向走多远（新值 = 旧值 − lr · 梯度）。</translation>
    </message>
    <message>
        <source>How many samples each step uses to estimate the gradient; all of them is a full-batch step.</source>
        <translation>每一步用多少个样本来估计梯度；用上全部样本就是全批量的一步。</translation>
    </message>
    <message>
        <source>How the per-sample losses become the one number backward() needs: their mean, their sum, a weighted sum — or none, which PyTorch refuses.</source>
        <translation>逐样本损失如何变成 backward() 需要的那一个数：求平均、求和、加权求和——或者不归约，PyTorch 会拒绝执行。</translation>
    </message>
    <message>
        <source>How one sample&apos;s error is scored: squared (MSE), absolute (MAE), or Huber (squared when small, absolute when large).</source>
        <translation>单个样本的误差怎么计分：平方（MSE）、绝对值（MAE）或 Huber（误差小时取平方，误差大时取绝对值）。</translation>
    </message>
    <message>
        <source>The update rule: plain SGD, SGD with momentum (keeps part of the previous update), or Adam (an adaptive step per parameter).</source>
        <translation>参数更新规则：普通 SGD、带动量的 SGD（保留上一次更新的一部分）或 Adam（每个参数自适应步长）。</translation>
    </message>
    <message>
        <source>How much of the previous update momentum SGD carries into the next one (0.9 is typical).</source>
        <translation>动量 SGD 把上一次更新的多少带到下一次（常用 0.9）。</translation>
    </message>
    <message>
        <source>The slope w that training starts from after Reset.</source>
        <translation>重置后训练开始时的斜率 w。</translation>
    </message>
    <message>
        <source>The intercept b that training starts from after Reset.</source>
        <translation>重置后训练开始时的截距 b。</translation>
    </message>
    <message>
        <source>How many training steps per second Run takes; &apos;max&apos; runs as fast as the computer can.</source>
        <translation>“运行”时每秒走多少步；“最大”表示让电脑尽可能快地跑。</translation>
    </message>
    <message>
        <source>Take one step: forward, per-sample losses, reduce, backward(), optimizer.step() (Space).</source>
        <translation>走一步：前向传播、逐样本损失、归约、backward()、optimizer.step()（空格键）。</translation>
    </message>
    <message>
        <source>Keep taking steps until paused (Enter).</source>
        <translation>一直走下去，直到暂停（回车键）。</translation>
    </message>
    <message>
        <source>Back to step 0 with the initial w and b and a fresh optimizer (R).</source>
        <translation>回到第 0 步：恢复初始的 w 和 b，并重新创建优化器（R 键）。</translation>
    </message>
    <message>
        <source>The colours: light, dark, or a high-contrast theme for a washed-out projector.</source>
        <translation>配色：浅色、深色，或适合褪色投影仪的高对比度主题。</translation>
    </message>
    <message>
        <source>The model over the same w and b: a line y = w·x + b (regression), or p = σ(w·x + b) for labels 0/1 (logistic regression, classification).</source>
        <translation>同样两个参数 w、b 上的模型：直线 y = w·x + b（回归），或用于 0/1 标签的 p = σ(w·x + b)（逻辑回归，分类）。</translation>
    </message>
    <message>
        <source>Cross-entropy&apos;s weight= per class: mean then divides by the sum of the weights of the batch&apos;s classes, not by the batch size.</source>
        <translation>交叉熵的 weight=，每个类别一个：此时 mean 除以该批样本所属类别权重之和，而不是批大小。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Data.&lt;/b&gt; The points the line is fitted to. &lt;i&gt;seed&lt;/i&gt; is the article&apos;s four points (x = 1…4, y = 2x); &lt;i&gt;noisy-line&lt;/i&gt; adds noise; &lt;i&gt;outlier&lt;/i&gt; has one far-off point (compare MSE with MAE); &lt;i&gt;unscaled&lt;/i&gt; has large x, so a learning rate that suits one parameter is far too large for the other; &lt;i&gt;large&lt;/i&gt; has many samples, for minibatches.</source>
        <extracomment>The &quot;What&apos;s This?&quot; text of each control: what it is, and what to watch when you change it.</extracomment>
        <translation>&lt;b&gt;数据。&lt;/b&gt;直线要拟合的数据点。&lt;i&gt;seed&lt;/i&gt; 是原文中的四个点（x = 1…4，y = 2x）；&lt;i&gt;noisy-line&lt;/i&gt; 加了噪声；&lt;i&gt;outlier&lt;/i&gt; 有一个远离直线的点（可比较 MSE 和 MAE）；&lt;i&gt;unscaled&lt;/i&gt; 的 x 很大，适合一个参数的学习率对另一个参数来说就大得多；&lt;i&gt;large&lt;/i&gt; 样本很多，适合演示小批量。</translation>
    </message>
    <message>
        <source>&lt;b&gt;N&lt;/b&gt;, the number of samples of a generated dataset. With mean the gradient does not grow with N; with sum it does, and the same learning rate can suddenly diverge.</source>
        <translation>&lt;b&gt;N&lt;/b&gt;，生成的数据集的样本数。用 mean 时梯度不随 N 增大；用 sum 时会随之增大，同样的学习率可能突然发散。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Noise.&lt;/b&gt; The standard deviation of the Gaussian noise added to y. With noise the loss cannot reach zero: it levels off at the noise&apos;s own spread.</source>
        <translation>&lt;b&gt;噪声。&lt;/b&gt;加在 y 上的高斯噪声的标准差。有噪声时损失降不到零：它会停在噪声本身的大小附近。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Seed.&lt;/b&gt; Makes the random parts repeatable: the generated data and the order in which minibatches are drawn. The same seed gives exactly the same run.</source>
        <translation>&lt;b&gt;种子。&lt;/b&gt;让随机的部分可以重现：生成的数据，以及抽取小批量的顺序。同一个种子得到完全相同的训练过程。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Learning rate&lt;/b&gt; (lr). Each step moves w and b by −lr × gradient. Too small and nothing seems to happen; too large and the loss jumps up and the run diverges.</source>
        <translation>&lt;b&gt;学习率&lt;/b&gt;（lr）。每一步让 w 和 b 移动 −lr × 梯度。太小了好像什么都没发生；太大了损失会往上跳，训练发散。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Batch size.&lt;/b&gt; How many samples each step uses. All of them gives the exact gradient; fewer gives a cheaper, noisier estimate, drawn in a shuffled order each epoch.</source>
        <translation>&lt;b&gt;批大小。&lt;/b&gt;每一步用多少个样本。用全部样本得到精确的梯度；用得少则估计更便宜但噪声更大，每一轮（epoch）按打乱后的顺序抽取。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Reduction.&lt;/b&gt; The model produces one loss per sample, but backward() needs one number. &lt;i&gt;mean&lt;/i&gt; divides the sum by the batch size, &lt;i&gt;sum&lt;/i&gt; adds them up (a gradient B times larger), &lt;i&gt;weighted&lt;/i&gt; is Σ vᵢ·lᵢ, i.e. loss.backward(gradient=v); with &lt;i&gt;none&lt;/i&gt; PyTorch refuses.</source>
        <translation>&lt;b&gt;归约。&lt;/b&gt;模型为每个样本算出一个损失，但 backward() 需要一个数。&lt;i&gt;mean&lt;/i&gt; 把总和除以批大小，&lt;i&gt;sum&lt;/i&gt; 直接相加（梯度大 B 倍），&lt;i&gt;weighted&lt;/i&gt; 是 Σ vᵢ·lᵢ，即 loss.backward(gradient=v)；用 &lt;i&gt;none&lt;/i&gt; 时 PyTorch 会拒绝执行。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Loss.&lt;/b&gt; How one sample&apos;s error r = ŷ − y is scored: MSE r² punishes big errors hard (an outlier pulls the line), MAE |r| treats them evenly, Huber is r²/2 near zero and |r| − ½ far out.</source>
        <translation>&lt;b&gt;损失。&lt;/b&gt;单个样本的误差 r = ŷ − y 怎么计分：MSE r² 重罚大误差（离群点会把直线拉过去），MAE |r| 一视同仁，Huber 在零附近是 r²/2，远处是 |r| − ½。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Optimizer.&lt;/b&gt; SGD steps by −lr × gradient. Momentum keeps a running sum of past steps, so it speeds up along a steady slope and overshoots. Adam scales each parameter&apos;s step by its own gradient history.</source>
        <translation>&lt;b&gt;优化器。&lt;/b&gt;SGD 每步走 −lr × 梯度。动量法累积过去的步子，所以在平稳的坡上越走越快，也会冲过头。Adam 按每个参数自己的梯度历史来缩放它的步长。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Momentum&lt;/b&gt; μ: the fraction of the previous update carried into the next. 0 is plain SGD; 0.9 is typical; close to 1 the run swings for a long time.</source>
        <translation>&lt;b&gt;动量&lt;/b&gt; μ：上一次更新带到下一次的比例。0 就是普通 SGD；常用 0.9；接近 1 时训练会长时间来回摆动。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Initial w.&lt;/b&gt; The slope at step 0. Press Reset (R) to start again from it.</source>
        <translation>&lt;b&gt;初始 w。&lt;/b&gt;第 0 步的斜率。按“重置”（R）从它重新开始。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Initial b.&lt;/b&gt; The intercept at step 0. Press Reset (R) to start again from it.</source>
        <translation>&lt;b&gt;初始 b。&lt;/b&gt;第 0 步的截距。按“重置”（R）从它重新开始。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Speed.&lt;/b&gt; How many steps per second Run takes: slow enough to watch each step, or &apos;max&apos; to see where training ends up.</source>
        <translation>&lt;b&gt;速度。&lt;/b&gt;“运行”时每秒走多少步：慢到能看清每一步，或者选“最大”看训练最终走到哪里。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Step&lt;/b&gt; (Space): one forward pass, the per-sample losses, the reduction to one number, backward(), then optimizer.step(). Every panel shows that step.</source>
        <translation>&lt;b&gt;单步&lt;/b&gt;（空格键）：一次前向传播、逐样本损失、归约成一个数、backward()，然后 optimizer.step()。每个面板都显示这一步。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Run / Pause&lt;/b&gt; (Enter): keep stepping at the chosen speed until paused, or until the run diverges.</source>
        <translation>&lt;b&gt;运行 / 暂停&lt;/b&gt;（回车键）：按选定的速度一直走下去，直到暂停或训练发散。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Reset&lt;/b&gt; (R): back to step 0 with the initial w and b and a fresh optimizer; the data and settings stay.</source>
        <translation>&lt;b&gt;重置&lt;/b&gt;（R 键）：回到第 0 步，恢复初始的 w 和 b 并重新创建优化器；数据和设置保持不变。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Theme.&lt;/b&gt; Light for most screens, dark for a dim room, and Projector: black on white with strong colours, for a projector that washes colours out.</source>
        <translation>&lt;b&gt;主题。&lt;/b&gt;浅色适合大多数屏幕，深色适合昏暗的房间；投影仪主题是白底黑字配鲜明的颜色，适合颜色发淡的投影仪。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model.&lt;/b&gt; &lt;i&gt;line&lt;/i&gt; fits y = w·x + b with MSE, MAE or Huber. &lt;i&gt;logistic&lt;/i&gt; fits p = σ(w·x + b) to labels 0 and 1 with BCE or cross-entropy; the same two parameters, so the landscape stays a map over (w, b).</source>
        <translation>&lt;b&gt;模型。&lt;/b&gt;&lt;i&gt;line&lt;/i&gt;（直线）用 MSE、MAE 或 Huber 拟合 y = w·x + b。&lt;i&gt;logistic&lt;/i&gt;（逻辑回归）用 BCE 或交叉熵把 p = σ(w·x + b) 拟合到标签 0 和 1；参数仍是这两个，所以损失地形图仍是 (w, b) 上的一张图。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Class weights&lt;/b&gt; (cross-entropy&apos;s weight=). Each sample&apos;s loss is multiplied by its class&apos;s weight, and mean divides by the sum of those weights over the batch (PyTorch&apos;s rule), not by the batch size.</source>
        <translation>&lt;b&gt;类别权重&lt;/b&gt;（交叉熵的 weight=）。每个样本的损失乘以其类别的权重，mean 除以这批样本的这些权重之和（PyTorch 的规则），而不是批大小。</translation>
    </message>
    <message>
        <source>Type a value in the box and press Enter; a value the control cannot take is refused.</source>
        <extracomment>Added to the &quot;What&apos;s This?&quot; text of every value box.</extracomment>
        <translation>在框中输入数值后按回车；控件不能接受的值会被拒绝。</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>mean（平均）</translation>
    </message>
    <message>
        <source>sum</source>
        <translation>sum（求和）</translation>
    </message>
    <message>
        <source>weighted (v·l)</source>
        <translation>weighted（加权 v·l）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none（不归约）</translation>
    </message>
    <message>
        <source>SGD</source>
        <translation>SGD</translation>
    </message>
    <message>
        <source>SGD + momentum</source>
        <translation>SGD + 动量</translation>
    </message>
    <message>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>MSE (squared)</source>
        <translation>MSE（平方）</translation>
    </message>
    <message>
        <source>MAE (absolute)</source>
        <translation>MAE（绝对值）</translation>
    </message>
    <message>
        <source>Huber</source>
        <translation>Huber</translation>
    </message>
    <message>
        <source>BCE (with logits)</source>
        <translation>BCE（带 logits）</translation>
    </message>
    <message>
        <source>cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>line (regression)</source>
        <translation>line（直线回归）</translation>
    </message>
    <message>
        <source>logistic (classification)</source>
        <translation>logistic（逻辑回归分类）</translation>
    </message>
    <message>
        <source>{preset} (edited)</source>
        <translation>{preset}（已编辑）</translation>
    </message>
    <message>
        <source>csv: {source}</source>
        <translation>csv：{source}</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>all ({n})</source>
        <extracomment>Digits grouped by thousands commas (&quot;1,000&quot;, &quot;-12,345,678&quot;); a leading 0 is never grouped.</extracomment>
        <translation>全部 ({n})</translation>
    </message>
    <message>
        <source>a whole number from {lo} to {hi}</source>
        <translation>从 {lo} 到 {hi} 的整数</translation>
    </message>
    <message>
        <source>a number greater than 0</source>
        <translation>大于 0 的数</translation>
    </message>
    <message>
        <source>a finite number</source>
        <translation>有限的数</translation>
    </message>
    <message>
        <source>{rule} or &apos;{word}&apos;</source>
        <translation>{rule}，或“{word}”</translation>
    </message>
    <message>
        <source>{typed!r} could be {a} or {b}: type the one you mean, with a point for decimals; it stays at {value}</source>
        <extracomment>typed text that is not a value of this control: why (the box shows the old value again) typed text was read as a value (changed or not; before value_changed) Width of the value box and least width of the slider at text scale 1 (pixels).</extracomment>
        <translation>{typed!r} 可能是 {a}，也可能是 {b}：请输入你要的那个，小数用小数点；保持为 {value}</translation>
    </message>
    <message>
        <source>{typed!r} is not {rule}; it stays at {value}</source>
        <translation>{typed!r} 不是{rule}；保持为 {value}</translation>
    </message>
    <message>
        <source>Step</source>
        <extracomment>a typed or chosen value was taken: a refusal of an earlier one is out of date</extracomment>
        <translation>单步</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>×2 the data</source>
        <translation>数据 ×2</translation>
    </message>
    <message>
        <source>Duplicate every point: under sum the largest curvature doubles and the learning-rate limit halves; under mean it stays where it is</source>
        <translation>每个点复制一份：sum 下最大曲率加倍、学习率上限减半；mean 下上限不变</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Model and loss</source>
        <translation>模型与损失</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>{label}: {reason}</source>
        <translation>{label}：{reason}</translation>
    </message>
    <message>
        <source>steps/s</source>
        <translation>步/秒</translation>
    </message>
    <message>
        <source>preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>initial w</source>
        <translation>初始 w</translation>
    </message>
    <message>
        <source>initial b</source>
        <translation>初始 b</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>reduction</source>
        <translation>归约</translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>weight of class 0</source>
        <translation>类别 0 的权重</translation>
    </message>
    <message>
        <source>weight of class 1</source>
        <translation>类别 1 的权重</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Learning-rate limit: shown for the line model only</source>
        <translation>学习率上限：仅对直线模型显示</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>gradlab: unexpected error</source>
        <translation>gradlab：意外错误</translation>
    </message>
    <message>
        <source>Something went wrong inside gradlab: {error}</source>
        <translation>gradlab 内部出错了：{error}</translation>
    </message>
    <message>
        <source>Save your session before quitting, so that you can open it again and go on where you were. Or keep working: the lab may still be usable.</source>
        <translation>退出前先保存会话，以后可以再打开它，从原处接着做。也可以继续使用：实验室可能仍然可用。</translation>
    </message>
    <message>
        <source>You can quit, or keep working: the lab may still be usable.</source>
        <translation>你可以退出，也可以继续使用：实验室可能仍然可用。</translation>
    </message>
    <message>
        <source>Save session and quit…</source>
        <translation>保存会话并退出…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>继续使用</translation>
    </message>
    <message>
        <source>Save the session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>gradlab session (*.gradlab)</source>
        <translation>gradlab 会话 (*.gradlab)</translation>
    </message>
</context>
<context>
    <name>Eigen</name>
    <message>
        <source>step</source>
        <extracomment>The steps the small plot shows (the newest): every step, so the oscillation is not aliased.</extracomment>
        <translation>步</translation>
    </message>
    <message>
        <source>error</source>
        <translation>误差</translation>
    </message>
    <message>
        <source>Distance from the minimum along each eigen-direction: &lt;span style=&apos;color:{slow}&apos;&gt;slow (λ_min)&lt;/span&gt;, &lt;span style=&apos;color:{fast}&apos;&gt;fast (λ_max)&lt;/span&gt;</source>
        <translation>沿各特征方向到最小值的距离：&lt;span style=&apos;color:{slow}&apos;&gt;慢（λ_min）&lt;/span&gt;，&lt;span style=&apos;color:{fast}&apos;&gt;快（λ_max）&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Eigen-directions: shown for the line model only</source>
        <translation>特征方向：仅对直线模型显示</translation>
    </message>
    <message>
        <source>No single quadratic minimum here (MAE, Huber or no minimum): no eigen-directions</source>
        <translation>这里没有唯一的二次最小值（MAE、Huber 或无最小值）：不画特征方向</translation>
    </message>
    <message>
        <source>slow: λ_min</source>
        <translation>慢：λ_min</translation>
    </message>
    <message>
        <source>fast: λ_max</source>
        <translation>快：λ_max</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>{path}: choose a .png or .svg file name</source>
        <translation>{path}：请选择 .png 或 .svg 文件名</translation>
    </message>
    <message>
        <source>{path}: cannot write: {reason}</source>
        <translation>{path}：无法写入：{reason}</translation>
    </message>
    <message>
        <source>{path}: the window is saved as a .png file</source>
        <translation>{path}：窗口只能保存为 .png 文件</translation>
    </message>
    <message>
        <source>{path}: cannot write the image (is the folder writable?)</source>
        <translation>{path}：无法写入图片（文件夹可写吗？）</translation>
    </message>
</context>
<context>
    <name>FitPanel</name>
    <message>
        <source>data</source>
        <extracomment>Points can be edited by hand while every one of them is drawn (and the data is small). Residual colour bins, as fractions of the largest loss shown. right-click → &quot;ignore&quot;: the dataset index whose ignoring toggles (cross-entropy only)</extracomment>
        <translation>数据</translation>
    </message>
    <message>
        <source>minibatch</source>
        <translation>小批量</translation>
    </message>
    <message>
        <source>line the loss is measured at</source>
        <translation>计算损失所用的直线</translation>
    </message>
    <message>
        <source>line after the step</source>
        <translation>这一步之后的直线</translation>
    </message>
    <message>
        <source>remove this point</source>
        <translation>删除这个点</translation>
    </message>
    <message>
        <source>stop ignoring this point</source>
        <translation>不再忽略这个点</translation>
    </message>
    <message>
        <source>ignore this point (cross-entropy&apos;s ignore_index)</source>
        <translation>忽略这个点（交叉熵的 ignore_index）</translation>
    </message>
    <message>
        <source>curve the loss is measured at</source>
        <translation>计算损失所用的曲线</translation>
    </message>
    <message>
        <source>curve after the step</source>
        <translation>这一步之后的曲线</translation>
    </message>
    <message>
        <source>Fit after step {step}: {line}</source>
        <translation>第 {step} 步之后的拟合：{line}</translation>
    </message>
    <message>
        <source>Fit at step {step}: {line}</source>
        <translation>第 {step} 步时的拟合：{line}</translation>
    </message>
    <message>
        <source>{shown} of {n} points shown</source>
        <translation>显示了 {n} 个点中的 {shown} 个</translation>
    </message>
    <message>
        <source>{shown} of {n} shown</source>
        <translation>显示 {shown} / {n}</translation>
    </message>
    <message>
        <source>line off the chart</source>
        <translation>直线在图外</translation>
    </message>
    <message>
        <source>boundary x = −b/w = {x}</source>
        <extracomment>Points along the curve: smooth at any window size, cheap to draw. The y box of the logistic fit: the labels 0 and 1 with room around them.</extracomment>
        <translation>决策边界 x = −b/w = {x}</translation>
    </message>
</context>
<context>
    <name>GradientPanel</name>
    <message>
        <source>share of ∂L/∂{p}</source>
        <translation>对 ∂L/∂{p} 的贡献</translation>
    </message>
    <message>
        <source>no gradient: backward() needs a scalar</source>
        <translation>没有梯度：backward() 需要一个标量</translation>
    </message>
    <message>
        <source>= Σ of the shares</source>
        <translation>= 各样本贡献之和 Σ</translation>
    </message>
    <message>
        <source>Σ bar off the chart</source>
        <translation>Σ 柱超出图表</translation>
    </message>
    <message>
        <source>sample (each bar: a group of {group})</source>
        <translation>样本（每根柱子是 {group} 个样本一组）</translation>
    </message>
    <message>
        <source>sample (outside the batch: no share)</source>
        <translation>样本（批次之外的样本没有贡献）</translation>
    </message>
    <message>
        <source>sample</source>
        <translation>样本</translation>
    </message>
</context>
<context>
    <name>GraphPanel</name>
    <message>
        <source>per-sample loss l</source>
        <extracomment>The graph is fitted to the view, but never blown up beyond this (a 3-node graph on a big screen would otherwise fill it with giant boxes). A simpler arrangement is drawn if its text is at least this share of the largest one&apos;s. The words among the core&apos;s node labels (the rest are formulas: &quot;ŷ = w·x + b&quot;, &quot;L = mean(l)&quot;).</extracomment>
        <translation>逐样本损失 l</translation>
    </message>
    <message>
        <source>leaf</source>
        <translation>叶子节点</translation>
    </message>
    <message>
        <source>backward() walks this graph from the loss to w and b</source>
        <extracomment>The arrangements this panel may choose from (graph_geometry.MODES: left→right too).</extracomment>
        <translation>backward() 沿着这张图从损失一路走到 w 和 b</translation>
    </message>
    <message>
        <source>Autograd graph</source>
        <translation>自动求导计算图</translation>
    </message>
    <message>
        <source>{label}   shape {shape}</source>
        <translation>{label}   形状 {shape}</translation>
    </message>
    <message>
        <source>The loss has shape {shape}: backward() needs shape (), a single number. Reduce it first (mean or sum), or pass gradient=v.</source>
        <translation>损失的形状是 {shape}：backward() 需要形状为 () 的单个数。请先归约（mean 或 sum），或者传入 gradient=v。</translation>
    </message>
    <message>
        <source>The loss in the graph has shape {shape}: the weights v enter as loss.backward(gradient=v), which starts backward from ∂L/∂l = v.</source>
        <translation>图中损失的形状是 {shape}：权重 v 通过 loss.backward(gradient=v) 传入，反向传播从 ∂L/∂l = v 开始。</translation>
    </message>
</context>
<context>
    <name>GraphValuesPanel</name>
    <message>
        <source>value: {v}</source>
        <extracomment>entries of a vector written in a box before &quot;…&quot; milliseconds between two nodes lighting up in the backward phase Text sizes at text size 100 %: the boxes&apos; names, their lines (values), the edge labels. They follow View ▸ Text size; the view shrinks them to fit, but never below ``min_px()``. the values on the boxes (class defaults: GraphPanel.__init__ already draws) top→bottom or left→right, wrapped into bands: whichever shows the text largest</extracomment>
        <translation>值：{v}</translation>
    </message>
    <message>
        <source>gradient arriving: {g}</source>
        <translation>传到此处的梯度：{g}</translation>
    </message>
    <message>
        <source>= {v}</source>
        <translation>= {v}</translation>
    </message>
    <message>
        <source>.grad = None (nothing written yet)</source>
        <translation>.grad = None（尚未写入）</translation>
    </message>
    <message>
        <source>.grad = {g}</source>
        <translation>.grad = {g}</translation>
    </message>
    <message>
        <source>backward() refused: the loss is a vector, so nothing is sent back and w.grad, b.grad stay None.</source>
        <translation>backward() 被拒绝：损失是一个向量，因此没有梯度传回，w.grad、b.grad 仍为 None。</translation>
    </message>
    <message>
        <source>backward() has not run yet: the leaves&apos; .grad is None, not 0 (nothing has been written to it).</source>
        <translation>backward() 还没有运行：叶子节点的 .grad 是 None，而不是 0（还没有写入任何值）。</translation>
    </message>
    <message>
        <source>{node} sends 1/B = {v} back to each of the {n} per-sample losses.</source>
        <translation>{node} 向 {n} 个逐样本损失中的每一个传回 1/B = {v}。</translation>
    </message>
    <message>
        <source>{node} sends 1 back to each of the {n} per-sample losses.</source>
        <translation>{node} 向 {n} 个逐样本损失中的每一个传回 1。</translation>
    </message>
    <message>
        <source>backward(gradient=v) sends vᵢ back to each per-sample loss: v = {v}.</source>
        <translation>backward(gradient=v) 向每个逐样本损失传回 vᵢ：v = {v}。</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>The data, the fitted line and each sample&apos;s residual</source>
        <translation>数据、拟合直线和每个样本的残差</translation>
    </message>
    <message>
        <source>&lt;b&gt;The fit.&lt;/b&gt; The points are the data; the red line is ŷ = w·x + b after the step, the dashed grey line the one the losses were measured at. Each vertical segment is a sample&apos;s residual ŷᵢ − yᵢ, coloured by its loss. Rings mark the minibatch. Drag a point to move it, double-click to add one, right-click to remove one.</source>
        <translation>&lt;b&gt;拟合。&lt;/b&gt;圆点是数据；红线是这一步之后的 ŷ = w·x + b，灰色虚线是计算损失时所用的直线。每条竖线是一个样本的残差 ŷᵢ − yᵢ，颜色表示它的损失。圆环标出小批量。拖动一个点可以移动它，双击可以添加一个点，右键单击可以删除一个点。</translation>
    </message>
    <message>
        <source>Each sample&apos;s loss, and the single number backward() starts from</source>
        <translation>每个样本的损失，以及 backward() 出发的那一个数</translation>
    </message>
    <message>
        <source>&lt;b&gt;The losses.&lt;/b&gt; One bar per sample: its loss lᵢ at the parameters before the step (the minibatch in colour). The dashed line is the reduced loss — the mean, the sum or the weighted sum of the bars — the scalar that loss.backward() differentiates.</source>
        <translation>&lt;b&gt;损失。&lt;/b&gt;每个样本一根柱子：这一步之前的参数下它的损失 lᵢ（小批量用彩色标出）。虚线是归约后的损失——柱子的平均、总和或加权和——也就是 loss.backward() 求导的那个标量。</translation>
    </message>
    <message>
        <source>Each sample&apos;s share of ∂L/∂w and ∂L/∂b, and their total</source>
        <translation>每个样本对 ∂L/∂w 和 ∂L/∂b 的贡献，以及它们的总和</translation>
    </message>
    <message>
        <source>&lt;b&gt;The gradient.&lt;/b&gt; Each bar is one sample&apos;s contribution to ∂L/∂w (top) and ∂L/∂b (bottom); the red bar Σ is their total, the gradient the optimizer uses. With mean every share is divided by the batch size; with sum it is not.</source>
        <translation>&lt;b&gt;梯度。&lt;/b&gt;每根柱子是一个样本对 ∂L/∂w（上）和 ∂L/∂b（下）的贡献；红色的 Σ 柱是它们的总和，也就是优化器使用的梯度。用 mean 时每份贡献都除以批大小；用 sum 时则不除。</translation>
    </message>
    <message>
        <source>The loss, the gradient and the parameters over the steps</source>
        <translation>损失、梯度和参数随步数的变化</translation>
    </message>
    <message>
        <source>&lt;b&gt;The history.&lt;/b&gt; The loss on a log scale, ∂L/∂w and ∂L/∂b, and w and b after each step. A loss that falls in a straight line on the log scale is converging steadily; a gradient that flips sign every step means the learning rate is too large.</source>
        <translation>&lt;b&gt;训练历史。&lt;/b&gt;对数刻度下的损失、∂L/∂w 和 ∂L/∂b，以及每一步之后的 w 和 b。损失在对数刻度上沿直线下降，说明在稳定收敛；梯度每一步都改变符号，说明学习率太大了。</translation>
    </message>
    <message>
        <source>Scrub back through the last 10,000 steps</source>
        <translation>在最近 10,000 步中来回查看</translation>
    </message>
    <message>
        <source>&lt;b&gt;The timeline.&lt;/b&gt; Drag to show any of the last 10,000 steps exactly as it was; every panel follows. Continue from here trains on from the step shown and discards the steps after it.</source>
        <translation>&lt;b&gt;时间线。&lt;/b&gt;拖动可以原样显示最近 10,000 步中的任意一步，所有面板随之变化。“从这里继续”从显示的这一步接着训练，并丢弃它之后的步。</translation>
    </message>
    <message>
        <source>What the run is doing: its state, step, loss, w, b and speed</source>
        <translation>训练当前的情况：状态、步数、损失、w、b 和速度</translation>
    </message>
    <message>
        <source>&lt;b&gt;The status bar.&lt;/b&gt; The run&apos;s state (ready, running, paused, diverged), the step shown, its loss as “loss 30 → 20.8”: the loss the step was computed at → the same loss at the w, b after it (before any step: the loss the next one starts from), w and b after it, and the steps per second while running. A change that restarts the run or switches the reduction is said on the left for a few seconds.</source>
        <translation>&lt;b&gt;状态栏。&lt;/b&gt;训练的状态（就绪、运行中、已暂停、已发散）、显示的步数、它的损失，写作“损失 30 → 20.8”：这一步计算时所在处的损失 → 同一损失在这一步之后的 w、b 处的值（还没有任何一步时：下一步开始时的损失）、这一步之后的 w 和 b，以及运行时每秒的步数。重新开始训练或切换归约方式的改动会在左侧显示几秒钟。</translation>
    </message>
    <message>
        <source>Why the run stopped, when it did</source>
        <translation>训练停下时，说明原因</translation>
    </message>
    <message>
        <source>&lt;b&gt;The banner.&lt;/b&gt; Appears when the run diverged or a command failed, with the reason and what to do next; it disappears when the run goes on.</source>
        <translation>&lt;b&gt;提示横幅。&lt;/b&gt;训练发散或某个操作失败时出现，说明原因和下一步该怎么做；训练继续后就会消失。</translation>
    </message>
    <message>
        <source>Welcome to gradlab</source>
        <extracomment>The guided tour: (title, text, name of the tab to show or None).</extracomment>
        <translation>欢迎使用 gradlab</translation>
    </message>
    <message>
        <source>gradlab trains y = w·x + b with real PyTorch and shows every number of each step. Its question: the model makes one loss per sample, but loss.backward() needs a single number — so how does the vector become a scalar, and what does that choice change?</source>
        <translation>gradlab 用真正的 PyTorch 训练 y = w·x + b，并展示每一步的每一个数。它要回答的问题是：模型为每个样本算出一个损失，可 loss.backward() 需要的是一个数——那么这个向量怎样变成标量？这个选择又会改变什么？</translation>
    </message>
    <message>
        <source>The controls</source>
        <translation>控制面板</translation>
    </message>
    <message>
        <source>On the left: the data, the starting w and b, the loss, the reduction (mean, sum, weighted or none), the optimizer, the learning rate and the batch size. Step (Space) takes one step, Run (Enter) keeps going, Reset (R) starts again. Point at any control and press Shift+F1 for what it means.</source>
        <translation>左侧是：数据、初始的 w 和 b、损失、归约方式（mean、sum、weighted 或 none）、优化器、学习率和批大小。“单步”（空格键）走一步，“运行”（回车键）一直走，“重置”（R 键）重新开始。把鼠标指向任何控件并按 Shift+F1，可以查看它的含义。</translation>
    </message>
    <message>
        <source>The four training panels</source>
        <translation>四个训练面板</translation>
    </message>
    <message>
        <source>Top left, the data and the fitted line; top right, each sample&apos;s loss and the reduced loss; bottom left, each sample&apos;s share of the gradient and their total; bottom right, the history of the loss, the gradient and the parameters.</source>
        <translation>左上是数据和拟合直线；右上是每个样本的损失和归约后的损失；左下是每个样本对梯度的贡献及其总和；右下是损失、梯度和参数的历史。</translation>
    </message>
    <message>
        <source>Why .mean()?</source>
        <translation>为什么要 .mean()？</translation>
    </message>
    <message>
        <source>The Reduction tab puts none, mean, sum and weighted side by side for the current batch. Press backward() under none to see PyTorch&apos;s own error: a vector has no single derivative to start from.</source>
        <translation>“归约”标签页把当前批次的 none、mean、sum 和 weighted 并排列出。在 none 下按 backward()，可以看到 PyTorch 自己的报错：向量没有一个可以出发的导数。</translation>
    </message>
    <message>
        <source>By hand and by autograd</source>
        <translation>手算与自动求导</translation>
    </message>
    <message>
        <source>The Chain rule tab derives this step&apos;s gradient by hand next to autograd&apos;s; the Autograd graph tab shows the graph backward() walks; the Landscape tab shows the loss over (w, b) and the path the optimizer takes.</source>
        <translation>“链式法则”标签页把这一步梯度的手算推导和自动求导的结果并排列出；“计算图”标签页显示 backward() 走过的图；“损失曲面”标签页显示损失随 (w, b) 的变化，以及优化器走过的路径。</translation>
    </message>
    <message>
        <source>In the lecture hall</source>
        <translation>在课堂上</translation>
    </message>
    <message>
        <source>F11 switches to presentation mode: full screen, larger text and thicker lines. Ctrl+= and Ctrl+- change the text size, Ctrl+0 restores it, and View → Theme has a high-contrast theme for a washed-out projector. File → Save session keeps the run to open again exactly where it was.</source>
        <translation>F11 切换到演示模式：全屏、更大的文字和更粗的线条。Ctrl+= 和 Ctrl+- 调整文字大小，Ctrl+0 恢复原样；“视图 → 主题”里有适合褪色投影仪的高对比度主题。“文件 → 保存会话”可以保存训练，之后原样打开继续。</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>A desktop teaching lab for gradient descent: why loss.backward() needs a scalar, and what mean, sum and a weighted sum do to every step.</source>
        <translation>一个讲解梯度下降的桌面教学实验室：为什么 loss.backward() 需要一个标量，以及 mean、sum 和加权和分别对每一步有什么影响。</translation>
    </message>
    <message>
        <source>MIT licence.</source>
        <translation>MIT 许可证。</translation>
    </message>
    <message>
        <source>Guided tour</source>
        <translation>导览</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>The previous page of the tour</source>
        <translation>导览的上一页</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>The next page of the tour</source>
        <translation>导览的下一页</translation>
    </message>
    <message>
        <source>{page} of {pages}</source>
        <translation>第 {page} 页，共 {pages} 页</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>loss</source>
        <extracomment>Log scale cannot show 0: losses below this are drawn at this value. Curves longer than this are drawn with thin pens. Curves up to this long also get a dot per step.</extracomment>
        <translation>损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>History (loss on a log scale)</source>
        <translation>训练历史（损失为对数刻度）</translation>
    </message>
    <message>
        <source>{floor}: smaller losses drawn here</source>
        <translation>{floor}：更小的损失画在这条线上</translation>
    </message>
</context>
<context>
    <name>LandscapePanel</name>
    <message>
        <source>Loss landscape L(w, b): {what} (log colours)</source>
        <extracomment>Colours span at most this many decades below the grid&apos;s largest loss (the rest is clipped). Contour lines: this many log-spaced levels between the grid&apos;s smallest and largest loss. Longer paths are thinned to about this many points (the last point is always kept). Path points and arrow tips are clipped to the grid box grown by this factor each way, so a diverging run never hands Qt astronomically large coordinates. Margin around the path when asking for a new range (as in ``default_range``). A step shorter than this (screen pixels) gets its arrow head here, outside the marker. Paths up to this many points also get a dot per step (the step sizes show). Path and markers are drawn on the heat map, so they use fixed colours that read on viridis.</extracomment>
        <translation>损失曲面 L(w, b)：{what}（颜色按对数刻度）</translation>
    </message>
    <message>
        <source>Loss landscape L(w, b) (log colours)</source>
        <translation>损失曲面 L(w, b)（颜色按对数刻度）</translation>
    </message>
    <message>
        <source>approximate: {n} samples evaluated</source>
        <translation>近似值：只计算了 {n} 个样本</translation>
    </message>
    <message>
        <source>exact over {n} samples</source>
        <translation>在全部 {n} 个样本上精确计算</translation>
    </message>
    <message>
        <source>path of (w, b)</source>
        <translation>(w, b) 的轨迹</translation>
    </message>
    <message>
        <source>arrow: −lr·∇L</source>
        <translation>箭头：−lr·∇L</translation>
    </message>
    <message>
        <source>click to start there</source>
        <translation>单击可从该点重新开始</translation>
    </message>
    <message>
        <source>mean (none has no scalar L)</source>
        <translation>mean（none 没有标量 L）</translation>
    </message>
</context>
<context>
    <name>LossPanel</name>
    <message>
        <source>sample</source>
        <extracomment>The reduced line is kept on the scale only if it is at most this many times the tallest bar. How far past the data a range that had to grow goes (a share of the data&apos;s span; ``sticky``).</extracomment>
        <translation>样本</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>↑ above the plot</source>
        <translation>↑ 超出图的上方</translation>
    </message>
    <message>
        <source>{n} samples in groups of {group}: mean loss per group</source>
        <translation>{n} 个样本，每 {group} 个一组：显示每组的平均损失</translation>
    </message>
    <message>
        <source>batch: {batch} of {n}</source>
        <translation>批次：{n} 个中的 {batch} 个</translation>
    </message>
    <message>
        <source>values beyond ±1e15 are clipped</source>
        <translation>超出 ±1e15 的值已截断</translation>
    </message>
    <message>
        <source>Loss per sample ({loss}) → {reduction}</source>
        <translation>每个样本的损失（{loss}）→ {reduction}</translation>
    </message>
    <message>
        <source>Loss per sample ({loss}), not reduced</source>
        <translation>每个样本的损失（{loss}），未归约</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>gradlab — why loss.backward() needs a scalar</source>
        <extracomment>Start the worker after this long even if the window never painted.</extracomment>
        <translation>gradlab — 为什么 loss.backward() 需要标量</translation>
    </message>
    <message>
        <source>gradlab session (*.gradlab)</source>
        <translation>gradlab 会话 (*.gradlab)</translation>
    </message>
    <message>
        <source>loading PyTorch…</source>
        <extracomment>The run&apos;s states as the status bar shows them (RunState values are the English keys).</extracomment>
        <translation>正在加载 PyTorch…</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>PyTorch failed to load</source>
        <translation>PyTorch 加载失败</translation>
    </message>
    <message>
        <source>loss &lt;b&gt;—&lt;/b&gt; (not reduced)</source>
        <extracomment>How long a note on a config change stays in the status bar. Each field&apos;s least width, in digits.</extracomment>
        <translation>损失 &lt;b&gt;—&lt;/b&gt;（未归约）</translation>
    </message>
    <message>
        <source>loss &lt;b&gt;NaN&lt;/b&gt; ÷ 0: every sample is ignored</source>
        <translation>损失 &lt;b&gt;NaN&lt;/b&gt; ÷ 0：每个样本都被忽略</translation>
    </message>
    <message>
        <source>loss &lt;b&gt;{at}&lt;/b&gt; → &lt;b&gt;{after}&lt;/b&gt;</source>
        <translation>损失 &lt;b&gt;{at}&lt;/b&gt; → &lt;b&gt;{after}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>loss &lt;b&gt;{loss}&lt;/b&gt; before step {step}</source>
        <translation>第 {step} 步之前损失 &lt;b&gt;{loss}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Typed weights: reduction set to weighted sum</source>
        <translation>已输入权重：归约已设为加权和</translation>
    </message>
    <message>
        <source>New data</source>
        <translation>新数据</translation>
    </message>
    <message>
        <source>New starting point</source>
        <translation>新起点</translation>
    </message>
    <message>
        <source>{why}: paused and restarted at step 0</source>
        <translation>{why}：已暂停并从第 0 步重新开始</translation>
    </message>
    <message>
        <source>{why}: restarted at step 0</source>
        <translation>{why}：已从第 0 步重新开始</translation>
    </message>
    <message>
        <source>Controls</source>
        <extracomment>an update was drawn on every panel (for observers: tests, --screenshot) a divergence, an error, or torch failing to load was shown in the banner The window is up: its first paint is done (or START_FALLBACK_MS passed without one, or it was started unshown) and the worker is starting. Emitted once.</extracomment>
        <translation>控制</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>The fit, each sample&apos;s loss and gradient share, the history</source>
        <translation>拟合、每个样本的损失和梯度贡献、训练历史</translation>
    </message>
    <message>
        <source>Not applied: {reason}</source>
        <translation>未应用：{reason}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <extracomment>Window-wide keys; text boxes still get their own keys (Qt lets them override shortcuts), except Enter, which the shortcut takes before the box sees it (see ``enter``).</extracomment>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open session…</source>
        <translation>打开会话(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a saved .gradlab session and carry on exactly where it was saved</source>
        <translation>打开保存的 .gradlab 会话，从保存时的位置原样继续</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save session</source>
        <translation>保存会话(&amp;S)</translation>
    </message>
    <message>
        <source>Save the run (settings, data, parameters, optimizer state and history) to its session file</source>
        <translation>把训练（设置、数据、参数、优化器状态和历史）保存到它的会话文件</translation>
    </message>
    <message>
        <source>Save session &amp;as…</source>
        <translation>会话另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the run to a new session file</source>
        <translation>把训练保存到一个新的会话文件</translation>
    </message>
    <message>
        <source>&amp;Import CSV…</source>
        <translation>导入 CSV(&amp;I)…</translation>
    </message>
    <message>
        <source>Load data from a CSV file: two numeric columns x, y (a header row is allowed)</source>
        <translation>从 CSV 文件加载数据：两列数字 x、y（可以有表头行）</translation>
    </message>
    <message>
        <source>&amp;Export CSV…</source>
        <translation>导出 CSV(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the current data as CSV</source>
        <translation>把当前数据保存为 CSV</translation>
    </message>
    <message>
        <source>Phases</source>
        <translation>分阶段</translation>
    </message>
    <message>
        <source>The next step one phase per press: forward, losses, reduce, backward, update (P)</source>
        <translation>每按一次执行下一步的一个阶段：前向、损失、归约、反向、更新（P）</translation>
    </message>
    <message>
        <source>E&amp;xport picture</source>
        <translation>导出图片(&amp;X)</translation>
    </message>
    <message>
        <source>Save this panel as a PNG image or an SVG drawing</source>
        <translation>把这个面板保存为 PNG 图片或 SVG 矢量图</translation>
    </message>
    <message>
        <source>The whole &amp;window…</source>
        <translation>整个窗口(&amp;W)…</translation>
    </message>
    <message>
        <source>Save a PNG image of the whole window</source>
        <translation>把整个窗口保存为 PNG 图片</translation>
    </message>
    <message>
        <source>Export &amp;history…</source>
        <translation>导出训练历史(&amp;H)…</translation>
    </message>
    <message>
        <source>Save the loss, the gradient, w and b of every step as CSV</source>
        <translation>把每一步的损失、梯度、w 和 b 保存为 CSV</translation>
    </message>
    <message>
        <source>Show the &amp;code…</source>
        <translation>查看代码(&amp;C)…</translation>
    </message>
    <message>
        <source>The plain PyTorch script that does exactly what the lab did</source>
        <translation>与实验室所做完全相同的纯 PyTorch 脚本</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close gradlab</source>
        <translation>关闭 gradlab</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Copy picture of</source>
        <translation>复制图片(&amp;C)</translation>
    </message>
    <message>
        <source>Copy a picture of this panel to the clipboard, to paste into slides or notes</source>
        <translation>把这个面板的图片复制到剪贴板，可粘贴到幻灯片或笔记中</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Enlarge the &amp;fit</source>
        <translation>放大拟合面板(&amp;F)</translation>
    </message>
    <message>
        <source>Enlarge the &amp;losses</source>
        <translation>放大损失面板(&amp;L)</translation>
    </message>
    <message>
        <source>Enlarge the &amp;gradient</source>
        <translation>放大梯度面板(&amp;G)</translation>
    </message>
    <message>
        <source>Enlarge the &amp;history</source>
        <translation>放大历史面板(&amp;H)</translation>
    </message>
    <message>
        <source>Show &amp;all panels</source>
        <translation>显示全部面板(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen with larger text and thicker lines, for a projector (F11)</source>
        <translation>全屏，文字更大、线条更粗，适合投影（F11）</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>Show the c&amp;ontrols</source>
        <translation>显示控制面板(&amp;O)</translation>
    </message>
    <message>
        <source>Show or hide the controls, so the plots take the room (Ctrl+L)</source>
        <translation>显示或隐藏控制面板，把空间留给图（Ctrl+L）</translation>
    </message>
    <message>
        <source>&amp;Larger text</source>
        <translation>放大文字(&amp;L)</translation>
    </message>
    <message>
        <source>Make every font and marker larger (Ctrl+=)</source>
        <translation>放大所有文字和标记（Ctrl+=）</translation>
    </message>
    <message>
        <source>&amp;Smaller text</source>
        <translation>缩小文字(&amp;S)</translation>
    </message>
    <message>
        <source>Make every font and marker smaller (Ctrl+-)</source>
        <translation>缩小所有文字和标记（Ctrl+-）</translation>
    </message>
    <message>
        <source>&amp;Normal text size</source>
        <translation>正常文字大小(&amp;N)</translation>
    </message>
    <message>
        <source>Back to the normal text size (Ctrl+0)</source>
        <translation>恢复正常的文字大小（Ctrl+0）</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Use this colour theme</source>
        <translation>使用这个配色主题</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>Put the controls, the toolbar and the window back where they were at first</source>
        <translation>把控制面板、工具栏和窗口恢复到最初的位置</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;What&apos;s This?</source>
        <translation>这是什么(&amp;W)?</translation>
    </message>
    <message>
        <source>Click this, then any control or panel, for what it means</source>
        <translation>先点这里，再点任何控件或面板，查看它的含义</translation>
    </message>
    <message>
        <source>Guided &amp;tour…</source>
        <translation>导览(&amp;T)…</translation>
    </message>
    <message>
        <source>A short tour of the window&apos;s panels</source>
        <translation>简要介绍窗口中的各个面板</translation>
    </message>
    <message>
        <source>&amp;About gradlab…</source>
        <translation>关于 gradlab(&amp;A)…</translation>
    </message>
    <message>
        <source>The version of gradlab and of the libraries it runs on</source>
        <translation>gradlab 及其所用库的版本</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <source>Step</source>
        <extracomment>Step / Run / Reset in the toolbar (shown when the controls are hidden)</extracomment>
        <translation>单步</translation>
    </message>
    <message>
        <source>Take one step (Space)</source>
        <translation>走一步（空格键）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Run or pause (Enter)</source>
        <translation>运行或暂停（回车键）</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Back to step 0 (R)</source>
        <translation>回到第 0 步（R 键）</translation>
    </message>
    <message>
        <source>&lt;b&gt;The controls.&lt;/b&gt; Every setting of the run. Point at one and press Shift+F1 for what it means; Ctrl+L hides them.</source>
        <translation>&lt;b&gt;控制面板。&lt;/b&gt;训练的所有设置。指向其中一项并按 Shift+F1 查看它的含义；Ctrl+L 可隐藏控制面板。</translation>
    </message>
    <message>
        <source>Scrub back through the last 10,000 steps: every panel shows the run as it was at that step</source>
        <translation>在最近 10,000 步中来回查看：每个面板都显示训练在那一步时的样子</translation>
    </message>
    <message>
        <source>Continue from here</source>
        <translation>从这里继续</translation>
    </message>
    <message>
        <source>Train on from the step shown; the steps after it are discarded</source>
        <translation>从显示的这一步接着训练；之后的步会被丢弃</translation>
    </message>
    <message>
        <source>timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>step {step} of {last}</source>
        <translation>第 {step} 步 / 共 {last} 步</translation>
    </message>
    <message>
        <source>step {step}</source>
        <translation>第 {step} 步</translation>
    </message>
    <message>
        <source>step {step} (opened: earlier steps are not replayable)</source>
        <translation>第 {step} 步（打开的会话：更早的步无法回放）</translation>
    </message>
    <message>
        <source>step {step} (opened at step {floor}: earlier steps are not replayable)</source>
        <translation>第 {step} 步（会话在第 {floor} 步打开：更早的步无法回放）</translation>
    </message>
    <message>
        <source>Reduction</source>
        <extracomment>name -&gt; (tab title, tooltip, &quot;module.Class&quot; of its panel), in tab order</extracomment>
        <translation>归约</translation>
    </message>
    <message>
        <source>none, mean, sum and weighted side by side for the current batch</source>
        <translation>当前批次的 none、mean、sum 和 weighted 并排对比</translation>
    </message>
    <message>
        <source>Chain rule</source>
        <translation>链式法则</translation>
    </message>
    <message>
        <source>The derivation of this step&apos;s gradient, by hand next to autograd</source>
        <translation>这一步梯度的推导：手算与自动求导并排对照</translation>
    </message>
    <message>
        <source>Autograd graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <source>The graph PyTorch builds for the loss; backward() walks it</source>
        <translation>PyTorch 为损失构建的计算图；backward() 沿着它走</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>损失曲面</translation>
    </message>
    <message>
        <source>L(w, b) over the data, the path of (w, b) and this step&apos;s arrow; click to start from another point</source>
        <translation>数据上的 L(w, b)、(w, b) 的轨迹和这一步的箭头；单击可从另一个点开始</translation>
    </message>
    <message>
        <source>Per-sample</source>
        <translation>逐样本</translation>
    </message>
    <message>
        <source>Each sample&apos;s own gradient (torch.func), clipping it, and the Jacobian behind backward(gradient=v)</source>
        <translation>每个样本自己的梯度（torch.func）、对它的裁剪，以及 backward(gradient=v) 背后的雅可比矩阵</translation>
    </message>
    <message>
        <source>Batches &amp; workers</source>
        <translation>批次与多进程</translation>
    </message>
    <message>
        <source>Where the mean is taken when the batch is split: micro-batches, DDP workers, the last batch</source>
        <translation>批次被拆分时平均在哪里取：微批次、DDP 多进程、最后一个批次</translation>
    </message>
    <message>
        <source>This tab shows the line model only (y = w·x + b): switch the model to line to use it. The Chain rule, Reduction, Autograd graph and Landscape tabs show the logistic model.</source>
        <extracomment>What a tab that knows only the line says under the logistic model (issue 19).</extracomment>
        <translation>此标签页只显示直线模型（y = w·x + b）：把模型切换为 line 即可使用。链式法则、归约、计算图和损失曲面标签页会显示逻辑回归模型。</translation>
    </message>
    <message>
        <source>Import data</source>
        <extracomment>a session was saved or opened (its path) a session could not be opened or saved (the message shown) starts the new gradlab of a restart: (program, arguments) -&gt; started?</extracomment>
        <translation>导入数据</translation>
    </message>
    <message>
        <source>CSV (*.csv);;All files (*)</source>
        <translation>CSV (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <source>Loaded {n} points from {source}</source>
        <translation>已从 {source} 加载 {n} 个点</translation>
    </message>
    <message>
        <source>Not done</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Wrote {path}</source>
        <translation>已写入 {path}</translation>
    </message>
    <message>
        <source>{reason} — the controls stay disabled; try --headless to see the full error.</source>
        <translation>{reason} —— 控件保持禁用；可用 --headless 运行查看完整的错误信息。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>step &lt;b&gt;{step}&lt;/b&gt;</source>
        <translation>第 &lt;b&gt;{step}&lt;/b&gt; 步</translation>
    </message>
    <message>
        <source>&lt;b&gt;{rate}&lt;/b&gt; steps/s</source>
        <translation>&lt;b&gt;{rate}&lt;/b&gt; 步/秒</translation>
    </message>
    <message>
        <source>— steps/s</source>
        <translation>— 步/秒</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <source>&amp;Clear the list</source>
        <translation>清空列表(&amp;C)</translation>
    </message>
    <message>
        <source>Saved the session to {path}</source>
        <translation>会话已保存到 {path}</translation>
    </message>
    <message>
        <source>Opened the session {path}</source>
        <translation>已打开会话 {path}</translation>
    </message>
    <message>
        <source>The session was not saved to {path}:
{reason}</source>
        <translation>会话没有保存到 {path}：
{reason}</translation>
    </message>
    <message>
        <source>{path} was not opened:
{reason}

The session you have open is unchanged.</source>
        <translation>没有打开 {path}：
{reason}

当前打开的会话没有任何改变。</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>The &amp;fit…</source>
        <extracomment>name -&gt; menu text of each picture File → Export and Edit → Copy offer</extracomment>
        <translation>拟合面板(&amp;F)…</translation>
    </message>
    <message>
        <source>The &amp;losses…</source>
        <translation>损失面板(&amp;L)…</translation>
    </message>
    <message>
        <source>The &amp;gradient…</source>
        <translation>梯度面板(&amp;G)…</translation>
    </message>
    <message>
        <source>The &amp;history…</source>
        <translation>历史面板(&amp;H)…</translation>
    </message>
    <message>
        <source>The current &amp;tab…</source>
        <translation>当前标签页(&amp;T)…</translation>
    </message>
    <message>
        <source>{name}[*] — gradlab</source>
        <translation>{name}[*] — gradlab</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Copied a picture to the clipboard</source>
        <translation>已把图片复制到剪贴板</translation>
    </message>
    <message>
        <source>Export picture</source>
        <translation>导出图片</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图片 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>Export the window</source>
        <translation>导出窗口</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Export history</source>
        <translation>导出训练历史</translation>
    </message>
    <message>
        <source>Text size {pct} %</source>
        <extracomment>The window&apos;s size at first and after Reset layout (shrunk to the screen if it is smaller).</extracomment>
        <translation>文字大小 {pct} %</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the system ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>Show gradlab in this language (after a restart)</source>
        <translation>用这种语言显示 gradlab（重新启动后生效）</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Text size {pct} % ({fits} % fits this window)</source>
        <translation>文字大小 {pct} %（此窗口只容得下 {fits} %）</translation>
    </message>
    <message>
        <source>gradlab will be in {language} from its next start. Restart now? The run goes on where it is.</source>
        <translation>gradlab 下次启动时将使用 {language}。现在重新启动吗？训练会从当前位置继续。</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重新启动</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>gradlab could not start again: start it yourself to see the new language.</source>
        <translation>gradlab 无法重新启动：请手动启动它以使用新的语言。</translation>
    </message>
    <message>
        <source>About gradlab</source>
        <translation>关于 gradlab</translation>
    </message>
    <message>
        <source>Step in phases shows the line model only (y = w·x + b): switch the model to line to walk a step phase by phase.</source>
        <extracomment>Step in phases under the logistic model (issue 19).</extracomment>
        <translation>分阶段单步只适用于直线模型（y = w·x + b）：把模型切换为 line 才能逐阶段地走完一步。</translation>
    </message>
</context>
<context>
    <name>PerSamplePanel</name>
    <message>
        <source>clip ×</source>
        <translation>裁剪 ×</translation>
    </message>
    <message>
        <source>share in w</source>
        <translation>w 中的份额</translation>
    </message>
    <message>
        <source>clipped</source>
        <translation>裁剪后</translation>
    </message>
    <message>
        <source>min(1, C/‖∇lᵢ‖): how much clipping to norm C scales this sample&apos;s gradient</source>
        <extracomment>the tooltips of the columns after ‖∇lᵢ‖</extracomment>
        <translation>min(1, C/‖∇lᵢ‖)：裁剪到范数 C 时该样本梯度的缩放倍数</translation>
    </message>
    <message>
        <source>∂L/∂lᵢ · ∂lᵢ/∂w: this sample&apos;s share of ∂L/∂w</source>
        <translation>∂L/∂lᵢ · ∂lᵢ/∂w：该样本在 ∂L/∂w 中的份额</translation>
    </message>
    <message>
        <source>The same share after its row was clipped to norm C</source>
        <translation>该行裁剪到范数 C 之后的同一份额</translation>
    </message>
    <message>
        <source>vᵢ (edit me)</source>
        <extracomment>the narrowest panel (in px at text scale 1) that shows the two halves side by side C at first (the worker&apos;s default too: worker_phases.PhaseSlots.per_sample_clip)</extracomment>
        <translation>vᵢ（可编辑）</translation>
    </message>
    <message>
        <source>v = all 1 (sum)</source>
        <translation>v = 全 1（sum）</translation>
    </message>
    <message>
        <source>v = all 1/B (mean)</source>
        <translation>v = 全 1/B（mean）</translation>
    </message>
    <message>
        <source>v = the lab&apos;s weights</source>
        <translation>v = 实验室的权重</translation>
    </message>
    <message>
        <source>∂L/∂w, ∂L/∂b: from the rows above; w.grad, b.grad: autograd&apos;s, from l.sum().backward(), l.mean().backward() and the step&apos;s own backward</source>
        <extracomment>(clipping norm C, v: a preset name or one number per batch sample)</extracomment>
        <translation>∂L/∂w、∂L/∂b：由上面各行算出；w.grad、b.grad：autograd 的结果，分别来自 l.sum().backward()、l.mean().backward() 和这一步自己的 backward</translation>
    </message>
    <message>
        <source>C: each sample&apos;s gradient is scaled down to norm C at most before the reduction (DP-SGD&apos;s order)</source>
        <translation>C：在归约之前，把每个样本的梯度缩小到范数至多为 C（DP-SGD 的顺序）</translation>
    </message>
    <message>
        <source>Clip each sample&apos;s gradient to norm C =</source>
        <translation>把每个样本的梯度裁剪到范数 C =</translation>
    </message>
    <message>
        <source>vᵢ must be a number; v is unchanged</source>
        <translation>vᵢ 必须是一个数；v 保持不变</translation>
    </message>
    <message>
        <source>Each sample&apos;s own gradient, torch.func.vmap(torch.func.grad(lᵢ)), {where}</source>
        <translation>每个样本自己的梯度，torch.func.vmap(torch.func.grad(lᵢ))，{where}</translation>
    </message>
    <message>
        <source>The {shown} samples of the batch&apos;s {n} with the largest gradient norm, largest first; the sums and means cover all {n}.</source>
        <translation>本批 {n} 个样本中梯度范数最大的 {shown} 个，从大到小排列；求和与平均涵盖全部 {n} 个。</translation>
    </message>
    <message>
        <source>All {n} samples of the batch, in batch order.</source>
        <translation>本批全部 {n} 个样本，按批内顺序。</translation>
    </message>
    <message>
        <source>Reduction none: PyTorch refuses backward() on the vector (RuntimeError: {error}); there is no reduced gradient to clip.</source>
        <translation>归约为 none：PyTorch 拒绝对向量调用 backward()（RuntimeError: {error}）；没有可供裁剪的归约梯度。</translation>
    </message>
    <message>
        <source>Σ rows = sum</source>
        <translation>Σ 各行 = sum</translation>
    </message>
    <message>
        <source>mean = mean</source>
        <translation>各行平均 = mean</translation>
    </message>
    <message>
        <source>Σ ∂L/∂lᵢ·rowᵢ = {reduction}</source>
        <translation>Σ ∂L/∂lᵢ·（第 i 行） = {reduction}</translation>
    </message>
    <message>
        <source>no clipping</source>
        <translation>不裁剪</translation>
    </message>
    <message>
        <source>clip rows to C, then reduce (DP-SGD)</source>
        <translation>先把各行裁剪到 C，再归约（DP-SGD）</translation>
    </message>
    <message>
        <source>reduce, then clip_grad_norm_(C)</source>
        <translation>先归约，再 clip_grad_norm_(C)</translation>
    </message>
    <message>
        <source>Per-sample clipping shrank {k} of the {n} rows listed (only those longer than C), so a sample far off loses its weight; clip_grad_norm_ scales the whole gradient, every share by the same {scale}, so it stays as dominant.</source>
        <translation>逐样本裁剪缩小了所列 {n} 行中的 {k} 行（只有比 C 长的那些），所以远离的样本失去了它的分量；clip_grad_norm_ 缩放整个梯度，每一份额都乘以同一个 {scale}，所以它依然同样占主导。</translation>
    </message>
    <message>
        <source>The Jacobian J ({rows}×2) of the per-sample losses, and backward(gradient=v)</source>
        <translation>逐样本损失的雅可比矩阵 J（{rows}×2）与 backward(gradient=v)</translation>
    </message>
    <message>
        <source>J&apos;s rows are the gradients above (torch.func.jacrev). l.backward(gradient=v) computes vᵀJ without ever building J.</source>
        <translation>J 的各行就是上面的梯度（torch.func.jacrev）。l.backward(gradient=v) 计算 vᵀJ，却从不构造 J。</translation>
    </message>
    <message>
        <source>The first {k} rows are listed, {more} more are not; vᵀJ uses them all.</source>
        <translation>列出了前 {k} 行，另有 {more} 行未列出；vᵀJ 用到全部各行。</translation>
    </message>
    <message>
        <source>The v typed earlier does not fit this batch: v is 1/B each again.</source>
        <translation>先前输入的 v 与这一批不匹配：v 又变回每项 1/B。</translation>
    </message>
    <message>
        <source>With this many rows, v is chosen by the buttons only.</source>
        <translation>行数这么多时，v 只能用按钮选择。</translation>
    </message>
    <message>
        <source>vᵀJ = v @ J (a matrix product)</source>
        <translation>vᵀJ = v @ J（矩阵乘积）</translation>
    </message>
    <message>
        <source>w.grad, b.grad after l.backward(gradient=v)</source>
        <translation>l.backward(gradient=v) 之后的 w.grad、b.grad</translation>
    </message>
    <message>
        <source>equal ✓</source>
        <translation>相等 ✓</translation>
    </message>
    <message>
        <source>different ✗</source>
        <translation>不相等 ✗</translation>
    </message>
</context>
<context>
    <name>PhaseBar</name>
    <message>
        <source>1 forward</source>
        <extracomment>the indicator&apos;s words for the phases, in order</extracomment>
        <translation>1 前向</translation>
    </message>
    <message>
        <source>2 per-sample losses</source>
        <translation>2 逐样本损失</translation>
    </message>
    <message>
        <source>3 reduce</source>
        <translation>3 归约</translation>
    </message>
    <message>
        <source>4 backward</source>
        <translation>4 反向</translation>
    </message>
    <message>
        <source>5 update</source>
        <translation>5 更新</translation>
    </message>
    <message>
        <source>ŷᵢ = w·xᵢ + b at w = {w}, b = {b}: ŷ = {pred} (the diamonds on the fit)</source>
        <extracomment>the opacity of a panel a phase already touched, and of one no phase so far has touched entries of a vector shown before &quot;…&quot;</extracomment>
        <translation>在 w = {w}、b = {b} 处 ŷᵢ = w·xᵢ + b：ŷ = {pred}（拟合图上的菱形）</translation>
    </message>
    <message>
        <source>Each sample&apos;s loss ({loss}): l = {l}, one bar per sample; still a vector</source>
        <translation>每个样本的损失（{loss}）：l = {l}，每个样本一根柱；仍然是一个向量</translation>
    </message>
    <message>
        <source>&lt;code&gt;{call}&lt;/code&gt;: PyTorch refuses: &lt;i&gt;RuntimeError: {error}&lt;/i&gt;. Backward and update do not run; choose a reduction.</source>
        <translation>&lt;code&gt;{call}&lt;/code&gt;：PyTorch 拒绝：&lt;i&gt;RuntimeError: {error}&lt;/i&gt;。反向和更新都不会运行；请选择一种归约。</translation>
    </message>
    <message>
        <source>&lt;code&gt;{call}&lt;/code&gt;: L = {L}, one number; backward will start from ∂L/∂lᵢ = {weight}</source>
        <translation>&lt;code&gt;{call}&lt;/code&gt;：L = {L}，一个数；反向传播将从 ∂L/∂lᵢ = {weight} 开始</translation>
    </message>
    <message>
        <source>Autograd sends the gradient back: ∂L/∂ŷᵢ = {gp}; w.grad = {gw}, b.grad = {gb}</source>
        <translation>Autograd 把梯度传回：∂L/∂ŷᵢ = {gp}；w.grad = {gw}，b.grad = {gb}</translation>
    </message>
    <message>
        <source>{opt}, lr {lr}: w {w0} → {w1}, b {b0} → {b1}; the line moves and the step is taken</source>
        <translation>{opt}，lr {lr}：w {w0} → {w1}，b {b0} → {b1}；直线移动，这一步完成</translation>
    </message>
    <message>
        <source>Step in phases</source>
        <translation>分阶段单步</translation>
    </message>
    <message>
        <source>Take the next step one phase per press (P): forward, per-sample losses, reduce, backward, update. Step (Space) finishes it.</source>
        <translation>每按一次（P）执行下一步的一个阶段：前向、逐样本损失、归约、反向、更新。按“单步”（空格）完成这一步。</translation>
    </message>
    <message>
        <source>Step {step}, {phase}: {text}</source>
        <translation>第 {step} 步，{phase}：{text}</translation>
    </message>
</context>
<context>
    <name>Preset</name>
    <message>
        <source>seed</source>
        <extracomment>The presets by the name --preset knows them by (a translation may add a word after it).</extracomment>
        <translation>seed（原文示例）</translation>
    </message>
    <message>
        <source>noisy-line</source>
        <translation>noisy-line（含噪直线）</translation>
    </message>
    <message>
        <source>outlier</source>
        <translation>outlier（离群点）</translation>
    </message>
    <message>
        <source>unscaled</source>
        <translation>unscaled（未缩放）</translation>
    </message>
    <message>
        <source>large</source>
        <translation>large（大数据集）</translation>
    </message>
    <message>
        <source>pass-fail</source>
        <translation>pass-fail（及格与否）</translation>
    </message>
    <message>
        <source>separable</source>
        <translation>separable（可分）</translation>
    </message>
    <message>
        <source>imbalanced</source>
        <translation>imbalanced（不平衡）</translation>
    </message>
</context>
<context>
    <name>ReductionPanel</name>
    <message>
        <source>No reduction: one loss per sample. backward() needs a single number and refuses.</source>
        <extracomment>The none column prints at most this many per-sample losses of the vector, then &quot;…&quot;.</extracomment>
        <translation>不归约：每个样本一个损失。backward() 需要单个数，因此拒绝执行。</translation>
    </message>
    <message>
        <source>Every sample counts 1/B: the gradient does not grow with the batch size.</source>
        <translation>每个样本的权重是 1/B：梯度不会随批大小变大。</translation>
    </message>
    <message>
        <source>Every sample counts 1: the gradient is B times the mean&apos;s, so is the step.</source>
        <translation>每个样本的权重是 1：梯度是 mean 的 B 倍，步长也是。</translation>
    </message>
    <message>
        <source>Each sample counts its own vᵢ: L = Σ vᵢ·lᵢ, exactly loss.backward(gradient=v).</source>
        <translation>每个样本按各自的 vᵢ 计：L = Σ vᵢ·lᵢ，正是 loss.backward(gradient=v)。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none 不归约</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>mean 平均</translation>
    </message>
    <message>
        <source>sum</source>
        <translation>sum 求和</translation>
    </message>
    <message>
        <source>weighted</source>
        <translation>weighted 加权</translation>
    </message>
    <message>
        <source>use {reduction}</source>
        <extracomment>Column titles: PyTorch&apos;s name of the reduction (a translation may add a word after it).</extracomment>
        <translation>使用 {reduction}</translation>
    </message>
    <message>
        <source>How far one plain SGD step with this lr moves w and b: −lr·∂L/∂w</source>
        <translation>用这个 lr 走一步普通 SGD 时 w 和 b 移动的距离：−lr·∂L/∂w</translation>
    </message>
    <message>
        <source>Train with reduction &apos;{reduction}&apos; (the same as choosing it in the controls)</source>
        <translation>用归约方式 &apos;{reduction}&apos; 训练（与在控制面板中选择它相同）</translation>
    </message>
    <message>
        <source>Run loss.backward() on the per-sample loss vector, as PyTorch would</source>
        <extracomment>The weighted column lists at most this many samples&apos; weights, then &quot;…&quot;. the user pressed &quot;backward()&quot; on the none column (the window may have PyTorch run it) the user picked a reduction here: &quot;none&quot;, &quot;mean&quot;, &quot;sum&quot; or &quot;weighted&quot; the user typed new weights: one per batch sample, in batch order mean&apos;s denominator and why (the window sets it from the teaching view, issue 19)</extracomment>
        <translation>像 PyTorch 那样，对逐样本损失向量执行 loss.backward()</translation>
    </message>
    <message>
        <source>&lt;b&gt;weighted&lt;/b&gt;: type each sample&apos;s weight vᵢ</source>
        <translation>&lt;b&gt;weighted 加权&lt;/b&gt;：输入每个样本的权重 vᵢ</translation>
    </message>
    <message>
        <source>all 1/B</source>
        <translation>全部设为 1/B</translation>
    </message>
    <message>
        <source>vᵢ = 1/B: the weighted sum becomes the mean</source>
        <translation>vᵢ = 1/B：加权和就变成平均</translation>
    </message>
    <message>
        <source>all 1</source>
        <translation>全部设为 1</translation>
    </message>
    <message>
        <source>vᵢ = 1: the weighted sum becomes the sum</source>
        <translation>vᵢ = 1：加权和就变成求和</translation>
    </message>
    <message>
        <source>B = {B} per-sample losses → one number for backward()  (lr = {lr})</source>
        <translation>B = {B} 个逐样本损失 → 给 backward() 的一个数  （lr = {lr}）</translation>
    </message>
    <message>
        <source>shape ({B},)</source>
        <translation>形状 ({B},)</translation>
    </message>
    <message>
        <source>{B} numbers, not one</source>
        <translation>{B} 个数，不是一个</translation>
    </message>
    <message>
        <source>&lt;b&gt;loss.backward() on shape ({B},) → RuntimeError: {error}&lt;/b&gt;</source>
        <translation>&lt;b&gt;对形状 ({B},) 执行 loss.backward() → RuntimeError: {error}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;loss.backward() ran: waiting for PyTorch&apos;s answer…&lt;/b&gt;</source>
        <translation>&lt;b&gt;已执行 loss.backward()：正在等待 PyTorch 的结果…&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Why: {why}</source>
        <translation>原因：{why}</translation>
    </message>
    <message>
        <source>(below)</source>
        <translation>（见下方）</translation>
    </message>
    <message>
        <source>step: Δw = {dw}, Δb = {db}</source>
        <translation>一步：Δw = {dw}，Δb = {db}</translation>
    </message>
    <message>
        <source>…  {more} more</source>
        <translation>…  还有 {more} 个</translation>
    </message>
    <message>
        <source>&lt;b&gt;sum = d × mean&lt;/b&gt;, d = mean&apos;s denominator = {d}, not B = {B}</source>
        <translation>&lt;b&gt;sum = d × mean&lt;/b&gt;，d = mean 的分母 = {d}，而不是 B = {B}</translation>
    </message>
    <message>
        <source>&lt;b&gt;sum = B × mean&lt;/b&gt;:</source>
        <translation>&lt;b&gt;sum = B × mean&lt;/b&gt;：</translation>
    </message>
    <message>
        <source>&lt;b&gt;sum with lr/B steps like mean with lr&lt;/b&gt;:</source>
        <translation>&lt;b&gt;sum 配 lr/B 与 mean 配 lr 走的步子一样&lt;/b&gt;：</translation>
    </message>
    <message>
        <source>✓ in use</source>
        <translation>✓ 正在使用</translation>
    </message>
    <message>
        <source>at w = {w}, b = {b} (before step {step})</source>
        <translation>在 w = {w}，b = {b} 处（第 {step} 步之前）</translation>
    </message>
    <message>
        <source>at w = {w}, b = {b} (before step {step}, not taken yet)</source>
        <translation>在 w = {w}，b = {b} 处（第 {step} 步之前，尚未执行）</translation>
    </message>
</context>
<context>
    <name>Stability</name>
    <message>
        <source>no fixed limit: MAE is not quadratic (each step is lr·x whatever the error)</source>
        <extracomment>Significant digits of the limit under the slider.</extracomment>
        <translation>没有固定上限：MAE 不是二次的（无论误差多大，每步都是 lr·x）</translation>
    </message>
    <message>
        <source>no fixed limit: Adam scales each step itself</source>
        <translation>没有固定上限：Adam 自己缩放每一步</translation>
    </message>
    <message>
        <source>no limit: reduction &apos;none&apos; gives no scalar loss</source>
        <translation>没有上限：归约 &apos;none&apos; 不给出标量损失</translation>
    </message>
    <message>
        <source>no limit (see the tooltip)</source>
        <translation>没有上限（见提示）</translation>
    </message>
    <message>
        <source>stable for lr &lt; {limit} … {top} = {formula} per batch (the epoch&apos;s {n} batches)</source>
        <translation>lr &lt; {limit} … {top} = {formula}（每个批次，本轮 {n} 个批次）时稳定</translation>
    </message>
    <message>
        <source>stable for lr &lt; {formula} = {limit}</source>
        <translation>lr &lt; {formula} = {limit} 时稳定</translation>
    </message>
    <message>
        <source>{text} (Huber&apos;s quadratic region)</source>
        <translation>{text}（Huber 的二次区域）</translation>
    </message>
</context>
<context>
    <name>Text</name>
    <message>
        <source>mean</source>
        <extracomment>U+2060 WORD JOINER: no width, no glyph, and no line break on either side of it. The one list of the reductions on screen (core.config.REDUCTIONS, in its order): how each is called in a sentence (&quot;mean = 30&quot;), as a choice in the controls, and as a Reduction tab title.</extracomment>
        <translation>平均</translation>
    </message>
    <message>
        <source>sum</source>
        <translation>求和</translation>
    </message>
    <message>
        <source>weighted sum</source>
        <translation>加权和</translation>
    </message>
    <message>
        <source>none</source>
        <translation>不归约</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>Light</source>
        <extracomment>High contrast for a washed-out projector: pure black on white, saturated dark colours, no pastel that a beamer turns into white. What the theme menus call each theme. Theme names as shown (translate(&quot;Theme&quot;, label) when showing them).</extracomment>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Projector (high contrast)</source>
        <translation>投影仪（高对比度）</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>{field}: {reason}</source>
        <extracomment>Huber&apos;s threshold; PyTorch&apos;s default for ``HuberLoss``. The one list of which settings mean new data (a new dataset and a new trainer) ... ... and which restart the run at step 0 (new data, or a new starting point). Every other setting (lr, momentum, loss, reduction, weights, batch size, optimizer) applies from the next step and keeps w and b. The trainer, the worker and the controller all decide by these. A message that quotes a value from a file is cut to about this long: a session can hold a 100 kB string or a 4000-digit number where a number belongs, and a message is one readable line.
----------
Refuse files larger than this before reading them (the 10^6-point preset is ~40 MB). Longest dataset / history a session may hold. The newest steps of history a session keeps (~120 MB of JSON, a few seconds to read; the window and the worker keep no more than twice this either: a run left going stays bounded). Optional top-level keys: a file without them (an older one) loads as before. Optional: the .grad carried into the next step when zero_grad() is forgotten.</extracomment>
        <translation>{field}：{reason}</translation>
    </message>
    <message>
        <source>must be a number, got {value!r}</source>
        <translation>必须是数字，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be finite, got a whole number too large for a float</source>
        <translation>必须是有限值，实际是一个超出浮点数范围的整数</translation>
    </message>
    <message>
        <source>must be finite, got {value!r}</source>
        <translation>必须是有限值，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be a list of numbers, got {values}</source>
        <translation>必须是数字列表，实际为 {values}</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>不能为空</translation>
    </message>
    <message>
        <source>must be numbers, got {value!r}</source>
        <translation>必须都是数字，实际有 {value!r}</translation>
    </message>
    <message>
        <source>{text!r} is not a number</source>
        <extracomment>The main run and up to three more. The settings a compared run may change: the start and the data stay the main run&apos;s.</extracomment>
        <translation>{text!r} 不是数字</translation>
    </message>
    <message>
        <source>{text!r} is not a whole number (or &apos;all&apos;)</source>
        <translation>{text!r} 不是整数（也不是 &apos;all&apos;）</translation>
    </message>
    <message>
        <source>expected key=value, got {piece!r}</source>
        <translation>应为 key=value，得到的是 {piece!r}</translation>
    </message>
    <message>
        <source>is given twice</source>
        <translation>给出了两次</translation>
    </message>
    <message>
        <source>a run&apos;s overrides must be an object of settings</source>
        <translation>一次运行的覆盖设置必须是由设置组成的对象</translation>
    </message>
    <message>
        <source>give at least one setting to change, e.g. reduction=sum,lr=0.0025</source>
        <translation>至少给出一个要改变的设置，例如 reduction=sum,lr=0.0025</translation>
    </message>
    <message>
        <source>is not a setting a compared run may change; one of {options}</source>
        <translation>不是对比运行可以改变的设置；可选：{options}</translation>
    </message>
    <message>
        <source>must be one of {options}; got {value!r}</source>
        <translation>必须是 {options} 之一；实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be a number, lr/N, lr/B or a multiple of the limit such as 0.98*limit; got {value!r}</source>
        <translation>必须是数字、lr/N、lr/B 或极限的倍数（如 0.98*limit）；得到的是 {value!r}</translation>
    </message>
    <message>
        <source>has no limit to be a multiple of: {why}</source>
        <translation>没有可以取倍数的极限：{why}</translation>
    </message>
    <message>
        <source>at most {n} runs beside the main one, got {got}</source>
        <translation>除主运行外最多 {n} 个运行，得到 {got} 个</translation>
    </message>
    <message>
        <source>mean vs sum</source>
        <extracomment>The ready-made comparisons of core.compare.READY_MADE (key, title), spelled here because core.compare imports torch, which the window&apos;s process must not (a test keeps them equal).</extracomment>
        <translation>mean 对比 sum</translation>
    </message>
    <message>
        <source>sum with lr/N follows mean</source>
        <translation>sum 配 lr/N 与 mean 同路</translation>
    </message>
    <message>
        <source>batch size 4 vs 64 under sum</source>
        <translation>sum 下批大小 4 对比 64</translation>
    </message>
    <message>
        <source>SGD vs Adam under sum</source>
        <translation>sum 下 SGD 对比 Adam</translation>
    </message>
    <message>
        <source>lr just below vs just above the limit</source>
        <translation>学习率略低于与略高于极限</translation>
    </message>
    <message>
        <source>unknown comparison {key!r}; one of {options}</source>
        <translation>未知的对比 {key!r}；可选：{options}</translation>
    </message>
    <message>
        <source>must be a preset name or &apos;csv&apos;, got {value!r}</source>
        <translation>必须是预设名称或 &apos;csv&apos;，实际为 {value!r}</translation>
    </message>
    <message>
        <source>unknown preset {value!r}; one of {options}</source>
        <translation>未知的预设 {value!r}；可选：{options}</translation>
    </message>
    <message>
        <source>must be a whole number, got {value!r}</source>
        <translation>必须是整数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be between 1 and 10000000, got {value}</source>
        <translation>必须在 1 到 10000000 之间，实际为 {value}</translation>
    </message>
    <message>
        <source>must be &gt;= 0, got {value!r}</source>
        <translation>必须 &gt;= 0，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be a list of sample indices, got {value!r}</source>
        <translation>必须是样本序号的列表，实际为 {value!r}</translation>
    </message>
    <message>
        <source>sample indices are whole numbers &gt;= 0 (0-based), got {value!r}</source>
        <translation>样本序号是 &gt;= 0 的整数（从 0 开始），实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be in [0, 1), got {value!r}</source>
        <translation>必须在 [0, 1) 内，实际为 {value!r}</translation>
    </message>
    <message>
        <source>the learning rate must be &gt; 0, got {value!r}</source>
        <translation>学习率必须 &gt; 0，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be &gt;= 1, got {value}</source>
        <translation>必须 &gt;= 1，实际为 {value}</translation>
    </message>
    <message>
        <source>must be a whole number &gt;= 0, got {value!r}</source>
        <translation>必须是 &gt;= 0 的整数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>{value!r} is not a loss of the {model} model; use one of {options}</source>
        <translation>{value!r} 不是 {model} 模型的损失；请使用 {options} 之一</translation>
    </message>
    <message>
        <source>needs two weights, one per class (w0,w1), got {n}</source>
        <translation>需要两个权重，每个类别一个 (w0,w1)，实际为 {n} 个</translation>
    </message>
    <message>
        <source>must be an object, got {kind}</source>
        <translation>必须是对象，实际是{kind}</translation>
    </message>
    <message>
        <source>is not a known setting</source>
        <translation>不是已知的设置项</translation>
    </message>
    <message>
        <source>must be text</source>
        <translation>必须是文本</translation>
    </message>
    <message>
        <source>is empty: there is nothing to fit</source>
        <translation>为空：没有可拟合的数据</translation>
    </message>
    <message>
        <source>needs one weight per sample: {n} samples but {weights} weights</source>
        <translation>每个样本需要一个权重：有 {n} 个样本，却有 {weights} 个权重</translation>
    </message>
    <message>
        <source>sample {index} is out of range: the dataset has {n} samples (indices 0 to {last})</source>
        <translation>样本 {index} 超出范围：数据集有 {n} 个样本（序号 0 到 {last}）</translation>
    </message>
    <message>
        <source>is {batch} but the dataset has only {n} samples</source>
        <translation>为 {batch}，但数据集只有 {n} 个样本</translation>
    </message>
    <message>
        <source>line {line}: {reason}</source>
        <extracomment>Refuse CSV files larger than this many data rows (the lab is for teaching, not for big data). ... or larger than this (checked before reading: 10^7 rows of two full-precision floats fit). A cell that looks like the tail of a number split at a thousands separator or decimal comma.</extracomment>
        <translation>第 {line} 行：{reason}</translation>
    </message>
    <message>
        <source>x has {x} values but y has {y}</source>
        <extracomment>Identity of these values, for caches (kept across pickling, unlike ``id()``, and never reused): an edit makes a new Dataset, with a new token.</extracomment>
        <translation>x 有 {x} 个值，而 y 有 {y} 个</translation>
    </message>
    <message>
        <source>the dataset is empty: there is nothing to fit</source>
        <translation>数据集为空：没有可拟合的数据</translation>
    </message>
    <message>
        <source>the dataset contains NaN or infinite values</source>
        <translation>数据集中含有 NaN 或无穷大的值</translation>
    </message>
    <message>
        <source>cannot remove the last point: a dataset needs at least one sample</source>
        <translation>不能删除最后一个点：数据集至少需要一个样本</translation>
    </message>
    <message>
        <source>unknown preset {name!r}; choose one of {options}</source>
        <translation>未知的预设 {name!r}；请从 {options} 中选择</translation>
    </message>
    <message>
        <source>a dataset needs at least one sample</source>
        <translation>数据集至少需要一个样本</translation>
    </message>
    <message>
        <source>sample {index} has the label y = {value!r}: the logistic model needs labels 0 or 1</source>
        <translation>样本 {index} 的标签是 y = {value!r}：逻辑回归模型需要 0 或 1 的标签</translation>
    </message>
    <message>
        <source>The classes do not overlap: a steeper curve always fits them a little better, so the loss has no minimum and w grows without bound (the loss only creeps towards 0).</source>
        <translation>两个类别没有重叠：曲线越陡总能拟合得更好一点，所以损失没有最小值，w 会无限增大（损失只是慢慢趋近 0）。</translation>
    </message>
    <message>
        <source>a CSV dataset has to be loaded from its file</source>
        <translation>CSV 数据集必须从文件加载</translation>
    </message>
    <message>
        <source>the {column} cell is empty</source>
        <translation>{column} 单元格为空</translation>
    </message>
    <message>
        <source>{column} value {text!r} is not a number (thousands separators and decimal commas are not supported)</source>
        <translation>{column} 的值 {text!r} 不是数字（不支持千位分隔符和小数逗号）</translation>
    </message>
    <message>
        <source>{column} value {text!r} is not a number</source>
        <translation>{column} 的值 {text!r} 不是数字</translation>
    </message>
    <message>
        <source>{column} value {text!r} is not a finite number</source>
        <translation>{column} 的值 {text!r} 不是有限的数</translation>
    </message>
    <message>
        <source>expected two values separated by a comma (found &apos;;&apos; or a tab)</source>
        <translation>应为用逗号分隔的两个值（发现的是 &apos;;&apos; 或制表符）</translation>
    </message>
    <message>
        <source>expected 2 columns (x, y), found {found}: is there a comma inside a number? Write 1234 rather than 1,234 and 1.5 rather than 1,5 (no thousands separators, a decimal point)</source>
        <translation>应为 2 列 (x, y)，实际有 {found} 列：是不是数字里有逗号？请写 1234 而不是 1,234，写 1.5 而不是 1,5（不用千位分隔符，用小数点）</translation>
    </message>
    <message>
        <source>expected 2 columns (x, y), found {found}</source>
        <translation>应为 2 列 (x, y)，实际有 {found} 列</translation>
    </message>
    <message>
        <source>the label y = {text!r} is not 0 or 1 (the logistic model needs 0/1 labels)</source>
        <translation>标签 y = {text!r} 不是 0 或 1（逻辑回归模型需要 0/1 标签）</translation>
    </message>
    <message>
        <source>more than {rows} rows; the lab is for small data</source>
        <translation>超过 {rows} 行；本实验室只适合小数据</translation>
    </message>
    <message>
        <source>the file has no data rows (only a header, comments or blank lines)</source>
        <translation>文件中没有数据行（只有表头、注释或空行）</translation>
    </message>
    <message>
        <source>{path} is not a file</source>
        <translation>{path} 不是文件</translation>
    </message>
    <message>
        <source>{path} is {size} MB; CSV files of at most {limit} MB are read</source>
        <translation>{path} 有 {size} MB；只读取不超过 {limit} MB 的 CSV 文件</translation>
    </message>
    <message>
        <source>cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <source>the file is not UTF-8 text</source>
        <translation>文件不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>the file is binary, not CSV text</source>
        <translation>文件是二进制文件，不是 CSV 文本</translation>
    </message>
    <message>
        <source>all history arrays must have the same length</source>
        <extracomment>How each step&apos;s batch was split (None: not split; files before issue 16 have none).</extracomment>
        <translation>所有历史数组的长度必须相同</translation>
    </message>
    <message>
        <source>cannot be written as JSON: {reason}</source>
        <translation>无法写成 JSON：{reason}</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>{name} is not valid JSON (strict JSON has no NaN or Infinity)</source>
        <translation>{name} 不是合法的 JSON（严格的 JSON 中没有 NaN 或 Infinity）</translation>
    </message>
    <message>
        <source>the key {key!r} appears twice</source>
        <translation>键 {key!r} 出现了两次</translation>
    </message>
    <message>
        <source>is missing the key {key!r}</source>
        <translation>缺少键 {key!r}</translation>
    </message>
    <message>
        <source>has an unknown key {key!r}</source>
        <translation>含有未知的键 {key!r}</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>true/false</source>
        <translation>true/false</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>must be a list of numbers, got {kind}</source>
        <translation>必须是数字列表，实际是{kind}</translation>
    </message>
    <message>
        <source>has {n} values; at most {limit} are allowed</source>
        <translation>有 {n} 个值；最多允许 {limit} 个</translation>
    </message>
    <message>
        <source>item {k} must be a whole number, got {value!r:.40}</source>
        <translation>第 {k} 项必须是整数，实际为 {value!r:.40}</translation>
    </message>
    <message>
        <source>item {k} must be a number, got {value!r:.40}</source>
        <translation>第 {k} 项必须是数字，实际为 {value!r:.40}</translation>
    </message>
    <message>
        <source>steps must be whole numbers &gt;= 0</source>
        <translation>步数必须是 &gt;= 0 的整数</translation>
    </message>
    <message>
        <source>item {k} is not a finite number</source>
        <translation>第 {k} 项不是有限的数</translation>
    </message>
    <message>
        <source>arrays differ in length: {lengths}</source>
        <translation>数组长度不一致：{lengths}</translation>
    </message>
    <message>
        <source>not valid JSON (truncated or corrupt?) at line {line}, column {column}: {reason}</source>
        <translation>不是合法的 JSON（文件被截断或已损坏？），位置：第 {line} 行第 {column} 列：{reason}</translation>
    </message>
    <message>
        <source>not a session: nested too deeply</source>
        <translation>不是会话文件：嵌套太深</translation>
    </message>
    <message>
        <source>not valid JSON: it holds a number with thousands of digits</source>
        <translation>不是合法的 JSON：其中有一个长达数千位的数字</translation>
    </message>
    <message>
        <source>the session would be {size} MB, more than the {limit} MB a session may be: the data are too large to save</source>
        <translation>会话文件将有 {size} MB，超过了会话文件最多 {limit} MB 的限制：数据太大，无法保存</translation>
    </message>
    <message>
        <source>not a gradlab session: the file holds {kind}, not an object</source>
        <translation>不是 gradlab 会话文件：文件内容是{kind}，而不是对象</translation>
    </message>
    <message>
        <source>is {value!r}, expected {expected!r} (not a gradlab session)</source>
        <translation>为 {value!r}，应为 {expected!r}（不是 gradlab 会话文件）</translation>
    </message>
    <message>
        <source>{value!r} is not supported (this gradlab reads version {version})</source>
        <translation>不支持 {value!r}（此版本的 gradlab 读取版本 {version}）</translation>
    </message>
    <message>
        <source>must be text, got {kind}</source>
        <translation>必须是文本，实际是{kind}</translation>
    </message>
    <message>
        <source>must be the two numbers of .grad carried by a run that forgets zero_grad()</source>
        <translation>必须是忘记 zero_grad() 的运行所携带的 .grad 的两个数</translation>
    </message>
    <message>
        <source>must be a list, got {kind}</source>
        <translation>必须是列表，得到的是 {kind}</translation>
    </message>
    <message>
        <source>has {n} runs; at most {limit} runs are compared with the main one</source>
        <translation>有 {n} 个运行；最多只能有 {limit} 个运行与主运行对比</translation>
    </message>
    <message>
        <source>{path} is {size} MB; sessions are at most {limit} MB</source>
        <translation>{path} 有 {size} MB；会话文件最大 {limit} MB</translation>
    </message>
    <message>
        <source>{path} is empty</source>
        <translation>{path} 是空文件</translation>
    </message>
    <message>
        <source>{path} is not UTF-8 text (not a session file)</source>
        <translation>{path} 不是 UTF-8 文本（不是会话文件）</translation>
    </message>
    <message>
        <source>With reduction &apos;none&apos; the loss is a tensor of shape ({B},): one loss per sample. backward() starts from a single number, dL/dL = 1, so it needs a scalar loss; for a vector PyTorch would have to guess how much each sample counts, and refuses. Reduce first: loss.mean().backward() weights every sample by 1/B, loss.sum().backward() by 1, and loss.backward(gradient=v) by your own weights v (that is a weighted sum).</source>
        <translation>归约方式为 &apos;none&apos; 时，损失是形状为 ({B},) 的张量：每个样本一个损失。backward() 从单个数 dL/dL = 1 出发，所以需要一个标量损失；对于向量，PyTorch 只能去猜每个样本占多大分量，于是拒绝执行。先归约：loss.mean().backward() 给每个样本的权重是 1/B，loss.sum().backward() 是 1，loss.backward(gradient=v) 则用你自己的权重 v（也就是加权和）。</translation>
    </message>
    <message>
        <source>{name} became {value}</source>
        <translation>{name} 变成了 {value}</translation>
    </message>
    <message>
        <source>w and b must be finite</source>
        <translation>w 和 b 必须是有限值</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>gradient dL/dw</source>
        <translation>梯度 dL/dw</translation>
    </message>
    <message>
        <source>gradient dL/db</source>
        <translation>梯度 dL/db</translation>
    </message>
    <message>
        <source>the run diverged ({reason}); reset before stepping again</source>
        <translation>训练已发散（{reason}）；请先重置再继续</translation>
    </message>
    <message>
        <source>PyTorch could not be loaded: {error}</source>
        <translation>无法加载 PyTorch：{error}</translation>
    </message>
    <message>
        <source>PyTorch failed its first step: {error}</source>
        <translation>PyTorch 第一步就失败了：{error}</translation>
    </message>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}：{reason}</translation>
    </message>
    <message>
        <source>there is no data to export yet</source>
        <translation>还没有可以导出的数据</translation>
    </message>
    <message>
        <source>{path}: cannot write: {reason}</source>
        <translation>{path}：无法写入：{reason}</translation>
    </message>
    <message>
        <source>Replays 1 step of the current settings from the start and prints the same w and b as the lab.</source>
        <translation>用当前设置从头重放 1 步，打印出与实验室中相同的 w 和 b。</translation>
    </message>
    <message>
        <source>Replays {steps} steps of the current settings from the start and prints the same w and b as the lab.</source>
        <translation>用当前设置从头重放 {steps} 步，打印出与实验室中相同的 w 和 b。</translation>
    </message>
    <message>
        <source>The settings changed during this run, so this script (the current settings from the start, {steps} steps) will not end exactly where the lab is.</source>
        <translation>这次训练中途改过设置，所以这个脚本（用当前设置从头走 {steps} 步）不会恰好停在实验室当前的位置。</translation>
    </message>
    <message>
        <source>This run was opened from a saved session: the script replays the current settings from the start ({steps} steps), which ends where the lab is only if they did not change before the session was saved.</source>
        <translation>这次训练是从保存的会话打开的：脚本用当前设置从头重放（{steps} 步），只有在保存会话之前设置没有改过时，才会停在实验室当前的位置。</translation>
    </message>
    <message>
        <source>PyTorch is still loading: try again in a moment</source>
        <extracomment>the split now in force (a SplitSettings; all None: one ordinary backward() per step) a split setting was refused, or the workers ended: the message for the tab workers starting: (ready, world size); spawned ones (Windows, macOS) take seconds each</extracomment>
        <translation>PyTorch 仍在加载：请稍后再试</translation>
    </message>
    <message>
        <source>state: {reason}</source>
        <translation>state：{reason}</translation>
    </message>
    <message>
        <source>The run diverged ({reason}). Press Reset (R) and lower the learning rate.</source>
        <translation>训练已发散（{reason}）。请按“重置”（R）并降低学习率。</translation>
    </message>
    <message>
        <source>diverged at step {step}: {reason} — lower the learning rate (lr = {lr:g}) and press Reset</source>
        <translation>在第 {step} 步发散：{reason} —— 请降低学习率（lr = {lr:g}）并按“重置”</translation>
    </message>
    <message>
        <source>PyTorch refused: RuntimeError: {error}
{explanation}</source>
        <translation>PyTorch 拒绝执行：RuntimeError: {error}
{explanation}</translation>
    </message>
    <message>
        <source>{message}
(the explanation panels failed too: {error})</source>
        <translation>{message}
（讲解面板也出错了：{error}）</translation>
    </message>
    <message>
        <source>{error}  (in {function}, line {line}). Press Reset (R) to start again.</source>
        <translation>{error}  （位于 {function}，第 {line} 行）。按“重置”（R）重新开始。</translation>
    </message>
    <message>
        <source>The training process stopped unexpectedly (exit code {code}). Press Reset (R) to start a new one: the settings are kept, hand edits to the data since the last import are lost.</source>
        <translation>训练进程意外停止（退出码 {code}）。按“重置”（R）启动一个新的进程：设置会保留，但上次导入之后对数据的手动修改会丢失。</translation>
    </message>
    <message>
        <source>{name}: {reason}</source>
        <translation>{name}: {reason}</translation>
    </message>
    <message>
        <source>The training process could not start: {name}: {reason}</source>
        <extracomment>Seconds the child gets to stop on its own before it is terminated. Slots of TrainerWorker that are lifecycle, not commands. Per-sample arrays of a record cross the pipe only up to this size. The window draws from the update&apos;s view (bars are grouped beyond a few hundred samples) and reads only the record&apos;s numbers; at N = 10^6 the arrays would be 16 MB per update, and the pipe cannot drain faster than the window&apos;s process gets its GIL between frames, so the trainer would wait on it. Imported once by the fork server (single-threaded: nothing here starts a thread or runs an op). stopped before the process existed: nobody waits for this thread, it ends the child itself as soon as ``Process.start`` returns</extracomment>
        <translation>训练进程无法启动：{name}: {reason}</translation>
    </message>
    <message>
        <source>Reduction &apos;none&apos; gives no scalar loss to descend: there is no step, so no learning-rate limit.</source>
        <extracomment>Second derivative of each sample&apos;s loss in its residual r: (r²)&apos;&apos; = 2, Huber&apos;s ½r²&apos;&apos; = 1.</extracomment>
        <translation>归约 &apos;none&apos; 不给出可以下降的标量损失：没有这一步，也就没有学习率极限。</translation>
    </message>
    <message>
        <source>MAE is not quadratic, so there is no fixed limit: the step is lr·x whatever the error. A large lr does not blow up; it overshoots and rattles around the minimum.</source>
        <translation>MAE 不是二次的，所以没有固定的极限：无论误差多大，步长都是 lr·x。大的学习率不会发散，而是越过最小值并在其附近来回跳动。</translation>
    </message>
    <message>
        <source>Adam scales each step itself (by the running size of the gradient), so no fixed limit 2/λ_max applies and the reduction hardly changes its path: mean and sum take nearly the same steps.</source>
        <translation>Adam 会自己缩放每一步（按梯度的滑动大小），所以不适用固定的极限 2/λ_max，归约方式也几乎不改变它的路径：mean 和 sum 的步子几乎一样。</translation>
    </message>
    <message>
        <source>The data are too large for the curvature to fit in a float64: no limit can be computed.</source>
        <translation>数据太大，曲率超出了 float64 的范围：无法计算极限。</translation>
    </message>
    <message>
        <source>A negative weight makes the loss curve downwards (λ_min = {lam:.6g} &lt; 0): it has no minimum, and gradient descent drifts away at any learning rate.</source>
        <translation>负的权重使损失向下弯曲（λ_min = {lam:.6g} &lt; 0）：它没有最小值，梯度下降在任何学习率下都会漂走。</translation>
    </message>
    <message>
        <source>The loss is flat (λ_max = 0: every weight is zero), so the gradient is zero and no step moves.</source>
        <translation>损失是平的（λ_max = 0：所有权重都为零），所以梯度为零，任何一步都不会移动。</translation>
    </message>
    <message>
        <source>With minibatches the limit is per batch: from {lo:.6g} to {hi:.6g} over the epoch&apos;s {n} batches; the steepest batch sets the lower end.</source>
        <translation>使用小批量时极限按批计算：本轮 {n} 个批次中从 {lo:.6g} 到 {hi:.6g}；最陡的批次决定下限。</translation>
    </message>
    <message>
        <source>That is the quadratic region; beyond it each step is at most lr·δ·x, so a larger lr keeps jumping across the minimum instead of settling.</source>
        <translation>这是二次区域的极限；超出该区域后每一步至多为 lr·δ·x，所以更大的学习率会在最小值两侧来回跳而不会停下。</translation>
    </message>
    <message>
        <source>Under sum λ_max grows with the batch size B, so the limit shrinks as 1/B: twice the data, half the learning rate.</source>
        <translation>在 sum 下 λ_max 随批大小 B 增长，所以极限按 1/B 缩小：数据加倍，学习率减半。</translation>
    </message>
    <message>
        <source>Under mean λ_max does not grow with the batch size: the same learning rate works for 4 samples or 400.</source>
        <translation>在 mean 下 λ_max 不随批大小增长：同一个学习率对 4 个样本和 400 个样本都适用。</translation>
    </message>
    <message>
        <source>Where every error is below δ = 1, Huber is ½·error² and gradient descent converges exactly when lr &lt; {formula} = {limit:.6g} (λ_max = {lam:.6g}).</source>
        <translation>在所有误差都小于 δ = 1 的区域，Huber 等于 ½·误差²，梯度下降恰好在 lr &lt; {formula} = {limit:.6g} 时收敛（λ_max = {lam:.6g}）。</translation>
    </message>
    <message>
        <source>With momentum μ = {mu:g} (heavy ball) gradient descent converges exactly when lr &lt; 2(1+μ)/λ_max = {limit:.6g} (λ_max = {lam:.6g}, the largest curvature of the loss over (w, b)).</source>
        <translation>使用动量 μ = {mu:g}（重球法）时，梯度下降恰好在 lr &lt; 2(1+μ)/λ_max = {limit:.6g} 时收敛（λ_max = {lam:.6g}，即损失在 (w, b) 上的最大曲率）。</translation>
    </message>
    <message>
        <source>Gradient descent converges exactly when lr &lt; 2/λ_max = {limit:.6g} (λ_max = {lam:.6g}, the largest curvature of the loss over (w, b)).</source>
        <translation>梯度下降恰好在 lr &lt; 2/λ_max = {limit:.6g} 时收敛（λ_max = {lam:.6g}，即损失在 (w, b) 上的最大曲率）。</translation>
    </message>
    <message>
        <source>{reduction} with momentum {mu:g}</source>
        <translation>{reduction}，动量 {mu:g}</translation>
    </message>
    <message>
        <source>lr {lr} = {formula} = {limit} under {reduction}: this run will oscillate for ever without settling</source>
        <translation>在 {reduction} 下 lr {lr} = {formula} = {limit}：这次运行会一直振荡而不会收敛</translation>
    </message>
    <message>
        <source>lr {lr} &gt; {formula} = {limit} under {reduction} in Huber&apos;s quadratic region: this run will keep jumping across the minimum instead of settling</source>
        <translation>在 {reduction} 下、Huber 的二次区域内 lr {lr} &gt; {formula} = {limit}：这次运行会在最小值两侧来回跳而不会停下</translation>
    </message>
    <message>
        <source>lr {lr} &gt; {formula} = {limit} for the steepest of the epoch&apos;s {n} batches under {reduction}: this run will likely diverge</source>
        <translation>在 {reduction} 下，对本轮 {n} 个批次中最陡的一批 lr {lr} &gt; {formula} = {limit}：这次运行很可能发散</translation>
    </message>
    <message>
        <source>lr {lr} &gt; {formula} for every batch (at most {top}) under {reduction}: this run will diverge</source>
        <translation>在 {reduction} 下，对每个批次 lr {lr} &gt; {formula}（最多 {top}）：这次运行会发散</translation>
    </message>
    <message>
        <source>lr {lr} &gt; {formula} = {limit} under {reduction}: this run will diverge</source>
        <translation>在 {reduction} 下 lr {lr} &gt; {formula} = {limit}：这次运行会发散</translation>
    </message>
    <message>
        <source>diverged at step {step}: {reason}</source>
        <translation>在第 {step} 步发散：{reason}</translation>
    </message>
    <message>
        <source>diverged at step {step}: {reason}, as predicted ({prediction})</source>
        <translation>在第 {step} 步发散：{reason}，正如预测（{prediction}）</translation>
    </message>
    <message>
        <source>the {w} workers were ended: {reason}</source>
        <extracomment>Seconds to wait for a group to start before it is ended.</extracomment>
        <translation>{w} 个工作进程已被结束：{reason}</translation>
    </message>
    <message>
        <source>the workers are not running; start a new group</source>
        <translation>工作进程没有在运行；请启动一个新的进程组</translation>
    </message>
    <message>
        <source>The last batch has {b} samples: under mean each weighs 1/{b} in its batch&apos;s loss instead of 1/{B}, so the mean of the {k} batch means ({mm}) counts its samples {ratio}× as much as the sample-weighted mean over {seen} samples ({sw}).</source>
        <translation>最后一批有 {b} 个样本：在 mean 下每个样本在本批损失中的权重是 1/{b} 而不是 1/{B}，所以 {k} 个批均值的平均（{mm}）对这些样本的计数是按样本加权的 {seen} 个样本均值（{sw}）的 {ratio}×。</translation>
    </message>
    <message>
        <source>Every batch has {B} samples, so the mean of the batch means equals the sample-weighted mean ({sw}).</source>
        <translation>每一批都有 {B} 个样本，所以批均值的平均等于按样本加权的均值（{sw}）。</translation>
    </message>
    <message>
        <source>drop_last left out {d} samples this epoch: no step trained on them, yet the full-data loss includes them.</source>
        <translation>drop_last 在本轮丢掉了 {d} 个样本：没有任何一步在它们上训练，但全数据损失包含它们。</translation>
    </message>
    <message>
        <source>The batch losses were each taken before their own step, with parameters that kept moving; the full-data loss ({full}) is taken once, with the parameters at the epoch&apos;s end, so it differs from the sample-weighted mean ({sw}) by {diff}.</source>
        <translation>每个批损失都是在各自那一步之前、用不断变化的参数计算的；全数据损失（{full}）只在本轮结束时用最终参数计算一次，所以它与按样本加权的均值（{sw}）相差 {diff}。</translation>
    </message>
    <message>
        <source>must be a list of whole numbers, got {value!r}</source>
        <extracomment>Relative tolerance of &quot;the same gradient&quot; (float64).</extracomment>
        <translation>必须是整数列表，得到的是 {value!r}</translation>
    </message>
    <message>
        <source>must be whole numbers, got {value!r}</source>
        <translation>必须是整数，得到的是 {value!r}</translation>
    </message>
    <message>
        <source>every size must be &gt;= 1, got {value}</source>
        <translation>每个大小都必须 &gt;= 1，得到的是 {value}</translation>
    </message>
    <message>
        <source>must be from {low} to {high}, got {value}</source>
        <translation>必须在 {low} 到 {high} 之间，得到的是 {value}</translation>
    </message>
    <message>
        <source>must be true or false, got {value!r}</source>
        <translation>必须是 true 或 false，得到的是 {value!r}</translation>
    </message>
    <message>
        <source>give either the number of micro-batches or their sizes, not both</source>
        <translation>请给出微批次的数量或它们的大小，不要同时给出</translation>
    </message>
    <message>
        <source>gives {n} sizes for {w} workers</source>
        <translation>为 {w} 个工作进程给出了 {n} 个大小</translation>
    </message>
    <message>
        <source>cannot be combined with micro-batches: choose one way to split</source>
        <translation>不能与微批次同时使用：请选择一种拆分方式</translation>
    </message>
    <message>
        <source>{k} micro-batches cannot split a batch of {b} samples</source>
        <translation>{k} 个微批次无法拆分一个 {b} 个样本的批次</translation>
    </message>
    <message>
        <source>{w} workers need a batch of at least {w} samples; the batch has {b}</source>
        <translation>{w} 个工作进程需要至少 {w} 个样本的批次；该批次只有 {b} 个</translation>
    </message>
    <message>
        <source>{reason} (the epoch&apos;s last batch: batches of {B} leave {b})</source>
        <translation>{reason}（本轮的最后一批：按 {B} 分批后剩下 {b} 个）</translation>
    </message>
    <message>
        <source>add up to {total}, but the batch has {b} samples</source>
        <translation>加起来是 {total}，但批次有 {b} 个样本</translation>
    </message>
    <message>
        <source>zero_grad() was forgotten: .grad still held ({cw}, {cb}) from the earlier steps, so the optimizer used {got} instead of this batch&apos;s {want}</source>
        <translation>忘记了 zero_grad()：.grad 里还留着之前步骤的 ({cw}, {cb})，所以优化器用的是 {got} 而不是本批的 {want}</translation>
    </message>
    <message>
        <source>÷W: DDP averages the gradients of the W = {w} workers, so a loss that adds its samples up has its gradient divided by {w}: {got} instead of the sum {want}; multiply each local loss by the world size</source>
        <translation>÷W：DDP 对 W = {w} 个工作进程的梯度取平均，所以对样本求和的损失其梯度被除以 {w}：得到 {got} 而不是总和 {want}；请把每个本地损失乘以进程总数</translation>
    </message>
    <message>
        <source>×K: the gradients of the K = {k} micro-batch means were added, not averaged, so the gradient is {got} instead of {want}; scale each loss by 1/K</source>
        <translation>×K：K = {k} 个微批次均值的梯度被相加而不是取平均，所以梯度是 {got} 而不是 {want}；请把每个损失乘以 1/K</translation>
    </message>
    <message>
        <source>×{f}: every sample counts {f} times what it counts in one backward over the batch, so the gradient is {got} instead of {want}</source>
        <translation>×{f}：每个样本的分量是对整批做一次 backward 时的 {f} 倍，所以梯度是 {got} 而不是 {want}</translation>
    </message>
    <message>
        <source>unequal sizes: parts of {sizes} samples weight each of their samples by {weights} instead of {full} each; the mean of the means, {got}, is not the mean {want}</source>
        <translation>大小不等：{sizes} 个样本的各部分给每个样本的权重是 {weights}，而不是每个 {full}；均值的均值 {got} 不等于均值 {want}</translation>
    </message>
    <message>
        <source>the samples are weighted {weights} instead of {full}, so the gradient is {got} instead of {want}</source>
        <translation>样本的权重是 {weights} 而不是 {full}，所以梯度是 {got} 而不是 {want}</translation>
    </message>
    <message>
        <source>every sample of this batch is ignored: the mean of nothing is NaN (PyTorch&apos;s behaviour); the gradient is zero and the step changes nothing</source>
        <translation>这一批的每个样本都被忽略了：对空集求平均得到 NaN（PyTorch 的行为）；梯度为零，这一步什么也不改变</translation>
    </message>
    <message>
        <source>the class weights of this batch&apos;s samples add up to 0: the mean divides by 0 and is NaN (PyTorch&apos;s behaviour, its gradient NaN too); the lab skips this step and goes on</source>
        <translation>这一批样本的类别权重之和为 0：平均值除以 0，结果是 NaN（PyTorch 的行为，梯度也是 NaN）；实验室跳过这一步并继续</translation>
    </message>
    <message>
        <source>{d} = Σ of the class weights of the batch&apos;s samples not ignored (not B)</source>
        <translation>{d} = 本批未被忽略样本的类别权重之和 Σ（不是 B）</translation>
    </message>
    <message>
        <source>{d} = the number of samples not ignored (B = {B})</source>
        <translation>{d} = 未被忽略的样本数（B = {B}）</translation>
    </message>
    <message>
        <source>{d} = the batch size B (BCE&apos;s per-sample weights do not change it)</source>
        <translation>{d} = 批大小 B（BCE 的逐样本权重不改变它）</translation>
    </message>
    <message>
        <source>{d} = the batch size B</source>
        <translation>{d} = 批大小 B</translation>
    </message>
    <message>
        <source>diverged at step {step}: {reason} (stopped; the others go on)</source>
        <translation>在第 {step} 步发散：{reason}（已停止；其余继续）</translation>
    </message>
    <message>
        <source>{diverged} — as predicted: {prediction}</source>
        <translation>{diverged}——正如预测：{prediction}</translation>
    </message>
    <message>
        <source>Micro-batches, DDP workers and the last batch are shown for the line model only: switch the model to line to use this tab.</source>
        <translation>微批次、DDP 多进程和最后一个批次只针对直线模型显示：请把模型切换为直线再使用这个标签页。</translation>
    </message>
</context>
</TS>
